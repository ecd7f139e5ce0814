package metrics_test

import (
	"io"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// Rates are counter deltas over the time that actually passed between two samples (here 500 ms,
// twice the nominal interval), and percentages are of the shard limits — per shard of one
// shard's, per stream of all open shards'.
func TestSampleRatesFromDeltasOverElapsedTime(t *testing.T) {
	a, b := "shardId-000000000000", "shardId-000000000001"
	fp := newFakeProducer(a, b)
	s := newSampler(t, metrics.Config{Stream: "s", Producer: fp})
	first := s.Sample(t0)
	if first.Interval != 0 || !math.IsNaN(first.Stream.Get(metrics.PutBytes)) {
		t.Fatalf("baseline should have no rates: interval %v, put_bytes %v", first.Interval, first.Stream.Get(metrics.PutBytes))
	}
	fp.edit(func(st *producer.Stats) {
		st.Stream.UserRecordsReceived += 1200
		st.Stream.UserRecordsPut += 1000
		st.Stream.KinesisRecordsPut += 100
		st.Stream.KinesisBytesPut += 524288 // 0.5 MiB in 0.5 s: 1 MiB/s, 50% of 2 shards
		st.Stream.Requests += 4
		st.Stream.RequestRecords += 100
		st.Stream.Retries += 30
		st.Stream.Failed += 6
		st.Stream.Expired += 2
		st.Stream.FailedMaybeStored, st.Stream.FailedNotStored, st.Stream.FailedNeverSent = 3, 1, 2
		st.Stream.AckedMaybeDuplicated = 4
		sa := shardOf(st, a)
		sa.KinesisRecordsPut += 75
		sa.KinesisBytesPut += 393216 // 0.375 MiB in 0.5 s: 75% of a shard
		sa.UserRecordsPut += 750
		sa.Throttles += 25
		sa.ErrorsByCode["ProvisionedThroughputExceededException"] += 25
		sa.RecordTokens, sa.ByteTokens = 400, 1000
		sa.AggregatorRecords, sa.LimiterRecords, sa.CollectorRecords = 1, 2, 3
		sb := shardOf(st, b)
		sb.KinesisRecordsPut += 25
		sb.KinesisBytesPut += 131072
		sb.UserRecordsPut += 250
		sb.ErrorsByCode["InternalFailure"] += 5
		sb.RecordTokens, sb.ByteTokens = 600, 2000
		sb.InFlightRecords = 7
	})
	snap := s.Sample(t0.Add(500 * time.Millisecond))

	want := map[metrics.Metric]float64{
		metrics.OfferedRecords:      2400, // the producer's accepted records, without a workload
		metrics.UserRecordsPut:      2000,
		metrics.PutRecords:          200,
		metrics.PutBytes:            1 << 20,
		metrics.PutBytesPct:         50,
		metrics.PutRecordsPct:       10,
		metrics.ThrottledRecords:    50,
		metrics.ThrottledRecordsPct: 2.5,
		metrics.ThrottledFraction:   0.2,
		metrics.Retries:             60,
		metrics.Failed:              12,
		metrics.Expired:             4,
		metrics.MaybeStored:         6,
		metrics.NotStored:           2,
		metrics.NeverSent:           4,
		metrics.PossibleDuplicates:  8,
		metrics.AggregationRatio:    10,
		metrics.RecordsPerRequest:   25,
		metrics.RecordTokens:        1000,
		metrics.RecordCapacity:      2000,
		metrics.ByteTokens:          3000,
		metrics.BufferedRecords:     6,
		metrics.InFlightRecords:     7,
		metrics.RatePercent:         150,
		metrics.OpenShards:          2,
	}
	for m, w := range want {
		if got := snap.Stream.Get(m); !near(got, w, 1e-9) {
			t.Errorf("stream %s = %v, want %v", m, got, w)
		}
	}
	wantOutcomes := metrics.Outcomes{Acknowledged: 1000, MaybeStored: 3, NotStored: 1, NeverSent: 2, PossibleDuplicates: 4, Expired: 2}
	if got := snap.Totals.Outcomes; got != wantOutcomes || got.Failed() != 6 {
		t.Errorf("outcomes so far %+v, want %+v (failed 6)", got, wantOutcomes)
	}
	sa := snap.Shard(a)
	for m, w := range map[metrics.Metric]float64{
		metrics.PutBytesPct: 75, metrics.PutRecords: 150, metrics.ThrottledRecords: 50,
		metrics.ThrottledFraction: 0.25, metrics.AggregationRatio: 10, metrics.BufferedRecords: 6,
	} {
		if got := sa.Get(m); !near(got, w, 1e-9) {
			t.Errorf("shard a %s = %v, want %v", m, got, w)
		}
	}
	if got := sa.Errors["ProvisionedThroughputExceededException"]; got != 50 {
		t.Errorf("shard a throttle errors/s = %v, want 50", got)
	}
	if got := snap.Stream.Errors["InternalFailure"]; got != 10 {
		t.Errorf("stream InternalFailure/s = %v, want 10", got)
	}
	if !math.IsNaN(snap.Stream.Get(metrics.ScheduledRecords)) {
		t.Errorf("workload series without a workload should have no value")
	}

	// The store holds the same values as a point at the sample's time.
	st := s.Store()
	pts := st.Series("put_bytes_pct", a, time.Time{})
	if len(pts) != 1 || !pts[0].T.Equal(t0.Add(500*time.Millisecond)) || pts[0].V != 75 {
		t.Fatalf("put_bytes_pct of %s: %+v", a, pts)
	}
	if pts := st.Series("errors.InternalFailure", "", time.Time{}); len(pts) != 1 || pts[0].V != 10 {
		t.Fatalf("errors.InternalFailure of the stream: %+v", pts)
	}
	if pts := st.Series("scheduled_records", "", time.Time{}); pts != nil {
		t.Fatalf("no workload, yet scheduled_records has points: %+v", pts)
	}
}

// A reshard retires shards: the new ones get series from their first sample, the retired one
// keeps its history — and its share of the stream's throttle total — until it leaves the
// window, and then the store forgets it.
func TestRetiredShardKeepsHistoryUntilItAgesOut(t *testing.T) {
	parent, c1, c2 := "shardId-000000000000", "shardId-000000000001", "shardId-000000000002"
	fp := newFakeProducer(parent)
	const window = 10 // points
	s := newSampler(t, metrics.Config{Stream: "s", Producer: fp, Interval: time.Second, Window: window * time.Second})
	now := t0
	step := func(shards ...string) *metrics.Snapshot {
		fp.edit(func(st *producer.Stats) {
			for _, id := range shards {
				shardOf(st, id).KinesisBytesPut += 1000
				shardOf(st, id).Throttles++
				st.Stream.KinesisBytesPut += 1000
			}
		})
		now = now.Add(time.Second)
		return s.Sample(now)
	}
	s.Sample(now)
	for range 4 {
		step(parent)
	}
	fp.setShards(c1, c2)
	snap := step(c1, c2)
	if snap.Totals.ThrottledRecords != 6 {
		t.Fatalf("throttled total after the reshard = %d, want 4 (parent) + 2 (children)", snap.Totals.ThrottledRecords)
	}
	if got := snap.Stream.Get(metrics.PutBytes); got != 2000 {
		t.Fatalf("stream put_bytes right after the reshard = %v, want the children's 2000", got)
	}
	if pts := s.Store().Series("put_bytes", c1, time.Time{}); len(pts) != 1 || pts[0].V != 1000 {
		t.Fatalf("new shard's first point: %+v", pts)
	}
	infos := s.Store().Shards()
	if len(infos) != 3 || infos[2].ShardID != parent || infos[2].Open {
		t.Fatalf("shards after the reshard: %+v", infos)
	}
	if pts := s.Store().Series("put_bytes", parent, time.Time{}); len(pts) != 4 {
		t.Fatalf("retired shard's history: %d points, want 4", len(pts))
	}
	// The parent's last point was sample 4; it is in the window until 10 more samples are taken.
	for range 4 {
		step(c1, c2)
	}
	if pts := s.Store().Series("put_bytes", parent, time.Time{}); len(pts) != 4 {
		t.Fatalf("retired shard's history within the window: %d points, want 4", len(pts))
	}
	for range window {
		step(c1, c2)
	}
	if pts := s.Store().Series("put_bytes", parent, time.Time{}); pts != nil {
		t.Fatalf("retired shard still has %d points after leaving the window", len(pts))
	}
	for _, in := range s.Store().Shards() {
		if in.ShardID == parent {
			t.Fatalf("retired shard still listed after leaving the window: %+v", in)
		}
	}
	if got := s.Store().Latest().Totals.ThrottledRecords; got != 4+2*(1+4+window) {
		t.Fatalf("throttled total = %d: the retired shard's throttles must stay counted", got)
	}
	if n := len(s.Store().Series("put_bytes", c1, time.Time{})); n != window {
		t.Fatalf("a shard's series holds %d points, want the window's %d", n, window)
	}
}

// Series(since) returns only the points at or after since, oldest first.
func TestSeriesSince(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp, Interval: time.Second, Window: time.Minute})
	for i := range 20 {
		fp.edit(func(st *producer.Stats) { st.Stream.KinesisRecordsPut += int64(i) })
		s.Sample(t0.Add(time.Duration(i) * time.Second))
	}
	pts := s.Store().Series("put_records", "", t0.Add(15*time.Second))
	if len(pts) != 5 {
		t.Fatalf("points since 15 s: %d, want 5", len(pts))
	}
	for i, p := range pts {
		if want := float64(15 + i); p.V != want || !p.T.Equal(t0.Add(time.Duration(15+i)*time.Second)) {
			t.Fatalf("point %d = %+v, want %v at %v", i, p, want, 15+i)
		}
	}
	if pts := s.Store().Series("put_records", "", t0.Add(time.Hour)); len(pts) != 0 {
		t.Fatalf("points since the future: %+v", pts)
	}
	if pts := s.Store().Series("no_such_series", "", time.Time{}); pts != nil {
		t.Fatalf("unknown series: %+v", pts)
	}
}

// A sample at or before the previous one (a clock stepping back) is ignored rather than
// producing negative or infinite rates.
func TestSampleIgnoresTimeNotAfterPrevious(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	s.Sample(t0)
	fp.edit(func(st *producer.Stats) { st.Stream.KinesisRecordsPut = 100 })
	s.Sample(t0.Add(time.Second))
	fp.edit(func(st *producer.Stats) { st.Stream.KinesisRecordsPut = 200 })
	snap := s.Sample(t0.Add(time.Second))
	snap2 := s.Sample(t0)
	if snap.Seq != 1 || snap2.Seq != 1 || snap.Stream.Get(metrics.PutRecords) != 100 {
		t.Fatalf("repeated and backward samples changed the latest: seq %d/%d, put %v", snap.Seq, snap2.Seq, snap.Stream.Get(metrics.PutRecords))
	}
	if n := s.Store().Len(); n != 1 {
		t.Fatalf("store holds %d samples, want 1", n)
	}
}

// Start samples on its own goroutine until Stop, which leaves no goroutine behind.
// On virtual time: the samples and the quiet after Stop are counted on the bubble's clock.
func TestStartStopLeavesNoGoroutine(t *testing.T) { synctest.Test(t, testStartStopLeavesNoGoroutine) }

func testStartStopLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp, Interval: 5 * time.Millisecond})
	for range 2 { // a stopped sampler starts again
		s.Start()
		s.Start() // no second goroutine
		base := int64(-1)
		if l := s.Store().Latest(); l != nil {
			base = l.Seq
		}
		// 3 samples at 5 ms take 15 ms; the sampler's goroutine has 5 s.
		eventually.True(t, 5*time.Second, "the sampler's goroutine to take 3 samples", func() bool {
			l := s.Store().Latest()
			return l != nil && l.Seq >= base+3
		})
		s.Stop()
		s.Stop()
	}
	seq := s.Store().Latest().Seq
	time.Sleep(6 * 5 * time.Millisecond) // six intervals of virtual time in which no sample may come
	if s.Store().Latest().Seq != seq {
		t.Fatal("samples were taken after Stop")
	}
}

func TestNewSamplerNeedsProducer(t *testing.T) {
	if _, err := metrics.NewSampler(metrics.Config{}); err == nil {
		t.Fatal("a sampler without a producer source was made")
	}
}

// Readers — latest snapshot, series, shard list, CSV, Prometheus — run alongside the sampling
// goroutine (the race detector checks the locking).
func TestReadersRunAlongsideSampling(t *testing.T) {
	fp := newFakeProducer(shardIDs(4, 0)...)
	s := newSampler(t, metrics.Config{Stream: "s", Producer: fp, Interval: time.Millisecond, Window: 50 * time.Millisecond})
	s.Start()
	defer s.Stop()
	h := metrics.NewPrometheusHandler(s.Store())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			fp.edit(func(st *producer.Stats) {
				st.Stream.KinesisRecordsPut += 10
				st.Shards[i%len(st.Shards)].Throttles++
			})
			if i%50 == 0 {
				fp.setShards(shardIDs(4, i/50)...) // reshard now and then
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	// What a dashboard, the CSV writer and a Prometheus scrape read while samples land must be
	// whole: points in time order, shards named and their window well formed, every scrape a
	// complete exposition.
	var buf []metrics.Point
	reads := 0
	for {
		select {
		case <-done:
			if reads == 0 {
				t.Fatal("the readers never ran beside the sampler")
			}
			// The last reshard is seen: the final shards are open, the first ones closed.
			eventually.True(t, 10*time.Second, "the store to show the final shard map", func() bool {
				open := map[string]bool{}
				for _, in := range s.Store().Shards() {
					open[in.ShardID] = in.Open
				}
				return open[shardIDs(1, 3)[0]] && !open[shardIDs(1, 0)[0]]
			})
			return
		default:
		}
		reads++
		sampled := s.Store().Latest() != nil
		if l := s.Store().Latest(); l != nil {
			_ = l.Stream.Get(metrics.PutRecords)
		}
		buf = s.Store().AppendSeries(buf[:0], "put_records", "", time.Time{})
		for i := 1; i < len(buf); i++ {
			if buf[i].T.Before(buf[i-1].T) {
				t.Fatalf("put_records points out of order: %v after %v", buf[i].T, buf[i-1].T)
			}
		}
		for _, in := range s.Store().Shards() {
			if in.ShardID == "" || in.Newest.Before(in.Oldest) {
				t.Fatalf("shard entry malformed: %+v", in)
			}
			_ = s.Store().Series("throttled_records", in.ShardID, in.Oldest)
		}
		if err := s.Store().WriteCSV(io.Discard); err != nil {
			t.Fatalf("WriteCSV while sampling: %v", err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != 200 || (sampled && !strings.Contains(rec.Body.String(), "shardstorm_")) {
			t.Fatalf("scrape while sampling: status %d, body %.200q", rec.Code, rec.Body.String())
		}
	}
}
