package recordsample

import (
	"context"
	"io"
	"net/http"
	"strings"
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
	body := `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/watcher is not authorized to perform: kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:123456789012:stream/s because no identity-based policy allows the kinesis:GetRecords action"}`
	return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amzn-Errortype": {"AccessDeniedException"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
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
