package tui

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/metrics"
	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// t0 is the fixture's start; frames are drawn at tNow, 90 s of samples later.
var (
	t0   = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tNow = t0.Add(90 * time.Second)
)

func fixedNow() time.Time { return tNow }

// statsSource is a producer.Stats (and workload.Stats) that the fixture edits between samples.
type statsSource struct {
	p producer.Stats
	w workload.Stats
}

// Stats returns a deep copy of the maps, as the producer does: the sampler keeps the previous
// reading to take deltas.
func (s *statsSource) Stats() producer.Stats {
	st := s.p
	st.Stream.ErrorsByCode = maps.Clone(s.p.Stream.ErrorsByCode)
	st.Shards = slices.Clone(s.p.Shards)
	for i := range st.Shards {
		st.Shards[i].ErrorsByCode = maps.Clone(st.Shards[i].ErrorsByCode)
	}
	return st
}

type workloadSource struct{ s *statsSource }

func (w workloadSource) Stats() workload.Stats { return w.s.w }

// testSource implements Source over a store filled by a real metrics.Sampler.
type testSource struct {
	mu       sync.Mutex
	info     RunInfo
	store    *metrics.Store
	hot      *metrics.HotKeys
	cw       *cwmetrics.Poller
	events   []Event
	findings []metrics.Finding
}

func (s *testSource) Info() RunInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}
func (s *testSource) Store() *metrics.Store         { return s.store }
func (s *testSource) HotKeys() *metrics.HotKeys     { return s.hot }
func (s *testSource) CloudWatch() *cwmetrics.Poller { return s.cw }
func (s *testSource) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}
func (s *testSource) Findings() []metrics.Finding { return s.findings }

func hist() *hdrhistogram.Histogram { return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3) }

// hashRanges splits the hash key space evenly, as CreateStream does.
func hashRanges(n int) [][2]string {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	step := new(big.Int).Div(space, big.NewInt(int64(n)))
	out := make([][2]string, n)
	for i := range n {
		lo := new(big.Int).Mul(step, big.NewInt(int64(i)))
		hi := new(big.Int).Sub(new(big.Int).Add(lo, step), big.NewInt(1))
		if i == n-1 {
			hi = new(big.Int).Sub(space, big.NewInt(1))
		}
		out[i] = [2]string{lo.String(), hi.String()}
	}
	return out
}

// newFixture is a synthetic run of n shards sampled for 90 s at 250 ms: shard 0 is hot (offered
// 1,300 records/s, throttled), the others carry 600 records/s; the target is 4,000/s.
func newFixture(tb testing.TB, n int) *testSource {
	tb.Helper()
	sample, _ := sampledStores.LoadOrStore(n, sync.OnceValues(func() (*metrics.Store, error) { return sampleRun(n) }))
	store, err := sample.(func() (*metrics.Store, error))()
	if err != nil {
		tb.Fatal(err)
	}
	// Hot keys are counted afresh for each test: they age on the clock, which is the test's own
	// (virtual in a synctest bubble).
	hot := metrics.NewHotKeys(0, time.Hour)
	// Shard 0 is dominated by one key; the others spread.
	for i := range n {
		id := fmt.Sprintf("shardId-%012d", i)
		for j := range 50 {
			key := fmt.Sprintf("user-%d", i*100+j%10)
			if i == 0 && j%2 == 0 {
				key = "user-42"
			}
			hot.OnRecordRouted(id, key, 100+j)
		}
	}
	return &testSource{
		info:  RunInfo{Stream: "orders", Backend: "local", Region: "us-east-1", Started: t0},
		store: store, hot: hot,
		events: []Event{
			{Time: t0.Add(time.Second), Level: "info", Text: "run started: 4 shards, constant:4000"},
			{Time: t0.Add(60 * time.Second), Level: "warn", Text: "shard shardId-000000000000 throttled 10% of records"},
		},
	}
}

// sampledStores holds the sampled store of each shard count, made once: sampling takes seconds
// under the race detector, and the tests only read a store.
var sampledStores sync.Map // n → func() (*metrics.Store, error)

// sampleRun samples newFixture's run of n shards.
func sampleRun(n int) (*metrics.Store, error) {
	src := &statsSource{}
	src.p.Stream.ErrorsByCode = map[string]int64{}
	src.p.Stream.BufferingTime, src.p.Stream.RequestTime, src.p.Stream.EndToEndTime = hist(), hist(), hist()
	src.p.Stream.RateLimit, src.p.Stream.AggregationEnabled, src.p.Stream.AdaptiveEnabled = 150, true, true
	for i, r := range hashRanges(n) {
		src.p.Shards = append(src.p.Shards, producer.ShardStats{
			ShardID: fmt.Sprintf("shardId-%012d", i), StartingHashKey: r[0], EndingHashKey: r[1],
			RecordCapacity: 1500, ByteCapacity: 1.5 * (1 << 20), RatePercent: 150,
			ErrorsByCode: map[string]int64{},
		})
	}
	src.w = workload.Stats{TargetRate: 4000, Shape: "constant:4000", Keys: "zipf:1.1:1000", Size: "100", Payload: "random"}
	sampler, err := metrics.NewSampler(metrics.Config{Stream: "orders", Producer: src, Workload: workloadSource{src}})
	if err != nil {
		return nil, err
	}
	const step = 250 * time.Millisecond
	for k := 0; t0.Add(time.Duration(k)*step).Compare(tNow) <= 0; k++ {
		now := t0.Add(time.Duration(k) * step)
		src.p.Time = now
		phase := float64(k%40) / 40 // a slow wave so the charts have shape
		var put, bytes int64
		for i := range src.p.Shards {
			s := &src.p.Shards[i]
			recs := int64(150 + 40*phase) // per 250 ms
			if i == 0 {
				recs = 250
				s.Throttles += 25
				s.ThrottledBytes += 25 * 120
				s.Retries += 25
				s.ErrorsByCode["ProvisionedThroughputExceededException"] += 25
				src.p.Stream.ErrorsByCode["ProvisionedThroughputExceededException"] += 25
				s.RecordTokens = 40
			} else {
				s.RecordTokens = 1500 - float64(recs)
			}
			s.ByteTokens = s.ByteCapacity - float64(recs*120)
			s.UserRecordsPut += recs
			s.UserBytesPut += recs * 120
			s.KinesisRecordsPut += recs
			s.KinesisBytesPut += recs * 120
			s.AggregatorRecords = int64(i * 3)
			s.InFlightRecords = recs / 5
			put += recs
			bytes += recs * 120
		}
		st := &src.p.Stream
		st.UserRecordsPut += put
		st.UserBytesPut += bytes
		st.KinesisRecordsPut += put
		st.KinesisBytesPut += bytes
		st.UserRecordsReceived += put + 25
		st.Requests += 4
		st.RequestRecords += put
		st.Retries += 25
		for j := range 20 {
			st.EndToEndTime.RecordValue(int64(20000 + 1000*j + int(phase*10000)))
			st.RequestTime.RecordValue(int64(8000 + 500*j))
			st.BufferingTime.RecordValue(int64(5000 + 200*j))
		}
		src.w.Scheduled += uint64(put + 25)
		src.w.Emitted += uint64(put + 25)
		src.w.EmittedBytes += uint64((put + 25) * 120)
		sampler.Sample(now)
	}
	return sampler.Store(), nil
}

// fakeCloudWatch answers GetMetricData with one point per period for every query: steady
// values per metric, divided among shards for shard-level ones.
type fakeCloudWatch struct {
	err    error
	shards int
}

func (f *fakeCloudWatch) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	out := &cloudwatch.GetMetricDataOutput{}
	for _, q := range in.MetricDataQueries {
		ms := q.MetricStat
		period := time.Duration(aws.ToInt32(ms.Period)) * time.Second
		v := map[string]float64{
			"IncomingRecords": 2950, "IncomingBytes": 2950 * 120, "WriteProvisionedThroughputExceeded": 100,
			"PutRecords.SuccessfulRecords": 2950, "PutRecords.Latency": 24,
		}[aws.ToString(ms.Metric.MetricName)]
		if aws.ToString(ms.Stat) == cwmetrics.Maximum {
			v *= 3
		}
		if len(ms.Metric.Dimensions) > 1 {
			v /= float64(f.shards)
		}
		r := types.MetricDataResult{Id: q.Id, StatusCode: types.StatusCodeComplete}
		for t := aws.ToTime(in.StartTime); t.Before(aws.ToTime(in.EndTime)); t = t.Add(period) {
			r.Timestamps = append(r.Timestamps, t)
			r.Values = append(r.Values, v)
		}
		out.MetricDataResults = append(out.MetricDataResults, r)
	}
	return out, nil
}

// withCloudWatch attaches a poller that has polled once at tNow (err: the poll fails with it).
func withCloudWatch(tb testing.TB, s *testSource, shardLevel bool, err error) {
	tb.Helper()
	level := cwmetrics.ShardLevelOff
	if shardLevel {
		level = cwmetrics.ShardLevelOn
	}
	p, e := cwmetrics.NewPoller(&fakeCloudWatch{err: err, shards: len(s.store.Shards())}, nil,
		cwmetrics.Config{StreamName: "orders", Period: time.Second, ShardLevel: level, Now: func() time.Time { return tNow.Add(-2 * time.Second) }})
	if e != nil {
		tb.Fatal(e)
	}
	var ids []string
	for _, sh := range s.store.Shards() {
		ids = append(ids, sh.ShardID)
	}
	p.SetShards(ids)
	_ = p.Poll(context.Background())
	s.cw = p
}

func accessDenied() error {
	return &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::123456789012:user/load is not authorized to perform: cloudwatch:GetMetricData", Fault: smithy.FaultClient}
}

// fakeControls records what it was asked and answers like a live run.
type fakeControls struct {
	mu       sync.Mutex
	calls    []string
	paused   bool
	rate     float64
	limit    float64
	keys     []string
	keyIdx   int
	hot      float64
	agg, ada bool
	aws      bool // SplitHottest needs confirmation
}

func newFakeControls() *fakeControls {
	return &fakeControls{rate: 4000, limit: 150, keys: []string{"zipf:1.1:1000", "random", "hot:0.3"}, hot: 0.3, agg: true, ada: true}
}

func (c *fakeControls) record(s string) {
	c.mu.Lock()
	c.calls = append(c.calls, s)
	c.mu.Unlock()
}

func (c *fakeControls) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

func (c *fakeControls) TogglePause() bool {
	c.record("TogglePause")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paused = !c.paused
	return c.paused
}

func (c *fakeControls) ScaleRate(f float64) (float64, error) {
	c.record(fmt.Sprintf("ScaleRate(%g)", f))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rate *= f
	return c.rate, nil
}

func (c *fakeControls) AdjustRateLimit(d float64) (float64, error) {
	c.record(fmt.Sprintf("AdjustRateLimit(%g)", d))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limit+d > 180 {
		return c.limit, fmt.Errorf("RateLimit %g%% is above the maximum 180%%", c.limit+d)
	}
	c.limit += d
	return c.limit, nil
}

func (c *fakeControls) CycleKeys() (string, error) {
	c.record("CycleKeys")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keyIdx = (c.keyIdx + 1) % len(c.keys)
	return c.keys[c.keyIdx], nil
}

func (c *fakeControls) AdjustHotFraction(d float64) (float64, error) {
	c.record(fmt.Sprintf("AdjustHotFraction(%g)", d))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hot += d
	return c.hot, nil
}

func (c *fakeControls) ToggleAggregation() (bool, error) {
	c.record("ToggleAggregation")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.agg = !c.agg
	return c.agg, nil
}

func (c *fakeControls) ToggleAdaptive() (bool, error) {
	c.record("ToggleAdaptive")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ada = !c.ada
	return c.ada, nil
}

func (c *fakeControls) SplitHottest(context.Context) (string, error) {
	c.record("SplitHottest")
	if c.aws {
		return "", ErrNeedsConfirmation
	}
	return "split shardId-000000000000 into shardId-000000000004 and shardId-000000000005", nil
}

func (c *fakeControls) ScaleShards(_ context.Context, n int) (string, error) {
	c.record("ScaleShards(" + strconv.Itoa(n) + ")")
	return "UpdateShardCount to " + strconv.Itoa(n) + " started", nil
}

func (c *fakeControls) Settings() []Setting {
	c.mu.Lock()
	defer c.mu.Unlock()
	return []Setting{
		{Name: "rate", Value: fmt.Sprintf("%g", c.rate), Help: "target records/s of the shape"},
		{Name: "rate-limit", Value: fmt.Sprintf("%g", c.limit), Help: "producer RateLimit, % of shard limits"},
		{Name: "keys", Value: c.keys[c.keyIdx], Help: "partition-key strategy"},
		{Name: "hot-fraction", Value: fmt.Sprintf("%.2f", c.hot), Help: "hot key's share of records"},
		{Name: "record-size", Value: "100", Help: "record size spec"},
		{Name: "aggregation", Value: strconv.FormatBool(c.agg), Help: "KPL aggregation"},
	}
}

func (c *fakeControls) Set(name, value string) error {
	c.record("Set(" + name + "=" + value + ")")
	if name == "rate" {
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || v <= 0 {
			return fmt.Errorf("rate %q: want a positive number of records/s", value)
		}
		c.mu.Lock()
		c.rate = v
		c.mu.Unlock()
	}
	return nil
}

// fakeWatch offers what watch mode offers: UpdateShardCount after the user confirmed it, and
// none of a load test's controls.
type fakeWatch struct{ c *fakeControls }

func (w fakeWatch) ScaleShards(ctx context.Context, n int) (string, error) {
	return w.c.ScaleShards(ctx, n)
}
