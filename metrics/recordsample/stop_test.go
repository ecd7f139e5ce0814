package recordsample

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/eventually"
)

// A reshard closes the shard being read: the sample stops reading it (its iterator ends), keeps
// what it read, and reads the children once ListShards names them.
func TestSampleStopsAtAClosedShardAndReadsItsChildren(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 1, nil)
		r := newCountingReader(ts.kin)
		s := ts.start(r, Config{})
		parent := ts.shards[0].ShardID
		time.Sleep(2 * time.Second)
		ts.put(entry("a", []byte("before the reshard")))
		time.Sleep(2 * time.Second)
		if _, err := ts.kin.UpdateShardCount(context.Background(), &kinesis.UpdateShardCountInput{StreamName: aws.String(ts.name),
			TargetShardCount: aws.Int32(2), ScalingType: types.ScalingTypeUniformScaling}); err != nil {
			t.Fatal(err)
		}
		eventually.True(t, time.Minute, "the parent's read to end", func() bool {
			return s.Source().Resolution == "1-second sample of 0 of 1 shards"
		})
		ended, _ := r.counts(parent)
		time.Sleep(5 * time.Second)
		if after, _ := r.counts(parent); after != ended {
			t.Errorf("%d GetRecords calls on the closed shard after its end", after-ended)
		}
		if sh := shardSample(t, s.Sample(), parent); sh.KinesisRecords != 1 {
			t.Errorf("the closed shard's sample %+v: want the record read before it closed", sh)
		}

		ts2 := newTestStreamFrom(t, ts)
		s.SetShards(ts2.shards)
		eventually.True(t, 5*time.Second, "the children read", func() bool {
			return s.Source().Resolution == "1-second sample of 2 of 2 shards"
		})
	})
}

// newTestStreamFrom lists the stream's open shards again.
func newTestStreamFrom(t *testing.T, ts *testStream) *testStream {
	out, err := ts.kin.ListShards(context.Background(), &kinesis.ListShardsInput{StreamName: aws.String(ts.name),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if err != nil {
		t.Fatal(err)
	}
	next := *ts
	next.shards = nil
	for _, sh := range out.Shards {
		next.shards = append(next.shards, shardRangeOf(sh))
	}
	if len(next.shards) != 2 {
		t.Fatalf("%d open shards after the reshard, want 2", len(next.shards))
	}
	return &next
}

// iamDenies answers GetRecords as IAM does for credentials without kinesis:GetRecords, and passes
// everything else to the emulator.
type iamDenies struct{ next http.RoundTripper }

func (d iamDenies) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.Header.Get("X-Amz-Target"), ".GetRecords") {
		return d.next.RoundTrip(req)
	}
	return kinesisError(req, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/watcher is not authorized to perform: "+
		"kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:123456789012:stream/s because no identity-based policy allows the kinesis:GetRecords action"), nil
}

// kinesisError is Kinesis's answer to a refused call (awsJson1_1).
func kinesisError(req *http.Request, code, msg string) *http.Response {
	body, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
	return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amzn-Errortype": {code}},
		Body:   io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}
}

// Credentials without kinesis:GetRecords: the sample stops at the first refusal (no retrying a
// permission) and its source says what is missing.
func TestSampleStopsWhenDenied(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 2, nil)
		denied := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""),
			HTTPClient:  &http.Client{Transport: iamDenies{emulator.InMemTransport{Handler: ts.emu}}}})
		r := newCountingReader(denied)
		s := ts.start(r, Config{})
		time.Sleep(10 * time.Second)
		src := s.Source()
		if src.Status != "denied" || !strings.Contains(src.Detail, "kinesis:GetRecords") || !strings.Contains(src.Detail, "AccessDeniedException") {
			t.Errorf("source %+v: want denied, naming kinesis:GetRecords", src)
		}
		if calls, _ := r.counts(""); calls > 2 {
			t.Errorf("%d GetRecords calls: a refused permission is not retried", calls)
		}
		if s.Sample() != nil {
			t.Error("a sample though nothing was read")
		}
	})
}

// expiresOnce answers the third GetRecords call with ExpiredIteratorException, as Kinesis does
// for an iterator older than 5 minutes, and passes everything else to the emulator.
type expiresOnce struct {
	next    http.RoundTripper
	mu      sync.Mutex
	records int
	iters   int
}

func (e *expiresOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	target := req.Header.Get("X-Amz-Target")
	e.mu.Lock()
	if strings.HasSuffix(target, ".GetShardIterator") {
		e.iters++
	}
	expire := false
	if strings.HasSuffix(target, ".GetRecords") {
		e.records++
		expire = e.records == 3
	}
	e.mu.Unlock()
	if !expire {
		return e.next.RoundTrip(req)
	}
	return kinesisError(req, "ExpiredIteratorException", "Iterator expired."), nil
}

// An expired iterator: the sample takes a new one at LATEST and reads on.
func TestSampleRetakesAnExpiredIterator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 1, nil)
		tr := &expiresOnce{next: emulator.InMemTransport{Handler: ts.emu}}
		kin := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), HTTPClient: &http.Client{Transport: tr}})
		s := ts.start(kin, Config{})
		time.Sleep(10 * time.Second)
		ts.put(entry("a", []byte("after the expiry")))
		time.Sleep(3 * time.Second)
		tr.mu.Lock()
		iters := tr.iters
		tr.mu.Unlock()
		rs := s.Sample()
		if iters != 2 || rs.UserRecords != 1 || rs.Throttled != 0 || s.Source().Status != "reading" {
			t.Errorf("%d GetShardIterator calls, sample %+v, source %+v: want a second iterator and the record read", iters, rs, s.Source())
		}
	})
}
