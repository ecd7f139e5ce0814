package cloudwatch

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go/encoding/cbor"
	"go.uber.org/goleak"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// t0 is where the emulator's manual clock starts: a whole minute, so periods line up.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testEnv is an emulator on a manual clock with real SDK clients for it. Time moves only when a
// test says so, which makes CloudWatch's per-second buckets and ages exact.
type testEnv struct {
	ctx   context.Context
	srv   *emulator.Server
	clock *emulator.ManualClock
	kin   *kinesis.Client
	cw    *cwsdk.Client
}

// leakCheck fails the test if it leaves goroutines behind. Registered first, it runs after
// every other cleanup (servers closed, producers closed). Idle keep-alive connections of the
// SDK's transport wind down on their own and are not ours.
func leakCheck(t *testing.T) {
	t.Helper()
	opts := []goleak.Option{goleak.IgnoreCurrent(),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop")}
	t.Cleanup(func() { goleak.VerifyNone(t, opts...) })
}

func newEnv(t *testing.T, shards int) *testEnv {
	t.Helper()
	leakCheck(t)
	clock := emulator.NewManualClock(t0)
	srv, err := emulator.Start(emulator.Config{Clock: clock, Streams: []emulator.StreamSpec{{Name: "s", Shards: shards}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &testEnv{ctx: context.Background(), srv: srv, clock: clock,
		kin: sdktest.Kinesis(srv.URL, 0, nil), cw: sdktest.CloudWatch(srv.URL, 0, nil)}
}

// put writes n records of size bytes; key "" spreads them over the shards.
func (e *testEnv) put(t *testing.T, n, size int, key string) {
	t.Helper()
	for n > 0 {
		batch := min(n, 500)
		var recs []ktypes.PutRecordsRequestEntry
		for i := range batch {
			k := key
			if k == "" {
				k = fmt.Sprintf("key-%d-%d", n, i)
			}
			recs = append(recs, ktypes.PutRecordsRequestEntry{PartitionKey: aws.String(k), Data: make([]byte, size)})
		}
		if _, err := e.kin.PutRecords(e.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: recs}); err != nil {
			t.Fatal(err)
		}
		n -= batch
	}
}

func (e *testEnv) stats(t *testing.T) emulator.StreamStats {
	t.Helper()
	st, ok := e.srv.Emulator.StreamStats("s")
	if !ok {
		t.Fatal("no stream s")
	}
	return st
}

func (e *testEnv) shardIDs(t *testing.T) []string {
	t.Helper()
	out, err := e.kin.ListShards(e.ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range out.Shards {
		ids = append(ids, aws.ToString(s.ShardId))
	}
	return ids
}

// cwSum adds up a series' kept points.
func cwSum(pts []Point) float64 {
	var s float64
	for _, p := range pts {
		s += p.Value
	}
	return s
}

// readBack reads one metric's Sum or Average over [from, from+period) from CloudWatch.
func readBack(t *testing.T, cw *cwsdk.Client, ns, name, stat string, from time.Time, period time.Duration, dims ...string) (float64, bool) {
	t.Helper()
	var d []types.Dimension
	for i := 0; i+1 < len(dims); i += 2 {
		d = append(d, cwDim(dims[i], dims[i+1]))
	}
	if d == nil {
		d = []types.Dimension{}
	}
	out, err := cw.GetMetricData(context.Background(), &cwsdk.GetMetricDataInput{
		StartTime: aws.Time(from), EndTime: aws.Time(from.Add(period)),
		MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("m"), MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String(ns), MetricName: aws.String(name), Dimensions: d},
			Period: aws.Int32(int32(period / time.Second)), Stat: aws.String(stat)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.MetricDataResults[0]
	switch len(r.Values) {
	case 0:
		return 0, false
	case 1:
		return r.Values[0], true
	}
	t.Fatalf("%s %v: %d points in one period", name, dims, len(r.Values))
	return 0, false
}

func cwNear(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// errorServer answers every request as CloudWatch answers an error over RPCv2 CBOR: the
// status, a CBOR body with __type and message, and the awsQuery code in X-Amzn-Query-Error.
func errorServer(t *testing.T, status int, shape, queryCode, message string) *httptest.Server {
	t.Helper()
	body := cbor.Encode(cbor.Map{"__type": cbor.String(shape), "message": cbor.String(message)})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Smithy-Protocol", "rpc-v2-cbor")
		h.Set("Content-Type", "application/cbor")
		h.Set("X-Amzn-Query-Error", queryCode+";Sender")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// closedURL is an address nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

// countingClient wraps the real client: it counts calls and what they carried, can force small
// pages, and fails while fail is set.
type countingClient struct {
	*cwsdk.Client
	maxDatapoints int32 // > 0: every GetMetricData asks for pages this small

	mu           sync.Mutex
	gets, puts   int
	queries      []int // per GetMetricData call
	datums       []int // per PutMetricData call
	fail         atomic.Pointer[error]
	failedCalled int
}

func (c *countingClient) failWith(err error) {
	if err == nil {
		c.fail.Store(nil)
		return
	}
	c.fail.Store(&err)
}

func (c *countingClient) injected() error {
	if p := c.fail.Load(); p != nil {
		c.mu.Lock()
		c.failedCalled++
		c.mu.Unlock()
		return *p
	}
	return nil
}

func (c *countingClient) GetMetricData(ctx context.Context, in *cwsdk.GetMetricDataInput, opts ...func(*cwsdk.Options)) (*cwsdk.GetMetricDataOutput, error) {
	if err := c.injected(); err != nil {
		return nil, err
	}
	if c.maxDatapoints > 0 {
		in.MaxDatapoints = aws.Int32(c.maxDatapoints)
	}
	c.mu.Lock()
	c.gets++
	c.queries = append(c.queries, len(in.MetricDataQueries))
	c.mu.Unlock()
	return c.Client.GetMetricData(ctx, in, opts...)
}

func (c *countingClient) PutMetricData(ctx context.Context, in *cwsdk.PutMetricDataInput, opts ...func(*cwsdk.Options)) (*cwsdk.PutMetricDataOutput, error) {
	if err := c.injected(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.puts++
	c.datums = append(c.datums, len(in.MetricData))
	c.mu.Unlock()
	return c.Client.PutMetricData(ctx, in, opts...)
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
