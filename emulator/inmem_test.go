package emulator

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// The real SDK clients drive the emulator through InMemTransport inside a synctest bubble: no
// socket, no DNS, static credentials, and the emulator's clock is the bubble's virtual clock.
func TestInMemTransportRunsTheSDKInABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, err := New(Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		tr := InMemTransport{Handler: e}
		// "unreachable.invalid" would fail any real DNS lookup: the transport never dials.
		kin := sdktest.Kinesis("http://unreachable.invalid:1", 1, tr)
		cw := sdktest.CloudWatch("http://unreachable.invalid:1", 1, tr)
		ctx := context.Background()

		shards, err := kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
		if err != nil {
			t.Fatal(err)
		}
		if len(shards.Shards) != 2 {
			t.Fatalf("ListShards: %d shards, want 2", len(shards.Shards))
		}
		out, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("hello")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.SequenceNumber) == "" {
			t.Error("PutRecord answered without a sequence number")
		}
		if st, _ := e.StreamStats("s"); st.Total.AcceptedRecords != 1 {
			t.Errorf("the emulator counted %d records, want 1", st.Total.AcceptedRecords)
		}

		// CloudWatch over the same transport (CBOR), answering from the emulator's metric store.
		if _, err := cw.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/Kinesis"),
			Dimensions: []cwtypes.DimensionFilter{{Name: aws.String("StreamName"), Value: aws.String("s")}}}); err != nil {
			t.Fatal(err)
		}

		// An API error arrives as the SDK's typed error, status and all.
		_, err = kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("missing")})
		if apiCode(err) != "ResourceNotFoundException" {
			t.Fatalf("DescribeStreamSummary of a missing stream: %v", err)
		}
	})
}

// Injected latency is spent on the bubble's clock: exactly the fault's 250 ms per call, and a
// caller's deadline shorter than that ends the call at the deadline with the context's error.
func TestInMemTransportLatencyIsVirtual(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, err := New(Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SetFaults(Faults{Latency: Latency{Kind: LatencyFixed, Base: 250 * time.Millisecond}}); err != nil {
			t.Fatal(err)
		}
		kin := sdktest.Kinesis("http://emulator", 1, InMemTransport{Handler: e})
		start := time.Now()
		if _, err := kin.ListShards(context.Background(), &kinesis.ListShardsInput{StreamName: aws.String("s")}); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took != 250*time.Millisecond {
			t.Errorf("a call with 250 ms injected latency took %v", took)
		}

		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start = time.Now()
		_, err = kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a call past its deadline: %v, want context.DeadlineExceeded", err)
		}
		if took := time.Since(start); took != 100*time.Millisecond {
			t.Errorf("a call with a 100 ms deadline returned after %v", took)
		}
	})
}

// closeTracker is a request body that records being closed and fails reads after it.
type closeTracker struct {
	r      io.Reader
	closed bool
}

func (c *closeTracker) Read(p []byte) (int, error) {
	if c.closed {
		return 0, errors.New("read after close")
	}
	return c.r.Read(p)
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

// The handler gets its own copy of the request body (the caller may close its body at once),
// and the response — status, headers set before WriteHeader, body — is readable after the
// handler has returned.
func TestInMemTransportOwnsBodies(t *testing.T) {
	var handlerBody string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		handlerBody = string(b)
		if r.ContentLength != int64(len(b)) || r.RequestURI != "/path?q=1" || r.Host != "emulator" {
			t.Errorf("handler saw ContentLength %d, RequestURI %q, Host %q", r.ContentLength, r.RequestURI, r.Host)
		}
		w.Header().Set("X-Before", "kept")
		w.WriteHeader(http.StatusTeapot)
		w.Header().Set("X-After", "dropped") // too late, as on the wire
		io.WriteString(w, "answer:"+string(b))
	})
	body := &closeTracker{r: strings.NewReader("request")}
	req, err := http.NewRequest(http.MethodPost, "http://emulator/path?q=1", body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := InMemTransport{Handler: h}.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if !body.closed {
		t.Error("the transport left the request body open (a RoundTripper must close it)")
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if handlerBody != "request" || string(got) != "answer:request" {
		t.Errorf("handler read %q, caller read %q", handlerBody, got)
	}
	if resp.StatusCode != http.StatusTeapot || resp.Header.Get("X-Before") != "kept" || resp.Header.Get("X-After") != "" {
		t.Errorf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	if resp.ContentLength != int64(len(got)) || resp.Request != req {
		t.Errorf("ContentLength %d for %d bytes; Request %p, want %p", resp.ContentLength, len(got), resp.Request, req)
	}

	// A handler that writes nothing answers 200 with an empty body, as net/http does.
	req, _ = http.NewRequest(http.MethodGet, "http://emulator/", nil)
	resp, err = InMemTransport{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("empty handler: %v, %v", resp, err)
	}
}
