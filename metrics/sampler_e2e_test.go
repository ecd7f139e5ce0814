package metrics_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// producerSink hands the generator's records to the producer: Put when the generator may
// block, TryPut (a full buffer is a dropped record) when it may not.
type producerSink struct{ p *producer.Producer }

func toRecord(r workload.Record) producer.Record {
	return producer.Record{PartitionKey: r.PartitionKey, ExplicitHashKey: r.ExplicitHashKey, Data: r.Data}
}

func (s producerSink) Emit(ctx context.Context, r workload.Record) error {
	return s.p.Put(ctx, toRecord(r), nil)
}

func (s producerSink) TryEmit(r workload.Record) error {
	err := s.p.TryPut(toRecord(r), nil)
	if errors.Is(err, producer.ErrBufferFull) {
		return workload.ErrSinkFull
	}
	return err
}

// integral is the count a rate series adds up to: ∑ value × interval, from the baseline at
// start.
func integral(pts []metrics.Point, start time.Time) []float64 {
	out := make([]float64, len(pts))
	prev, sum := start, 0.0
	for i, p := range pts {
		sum += p.V * p.T.Sub(prev).Seconds()
		out[i], prev = sum, p.T
	}
	return out
}

// Against the emulator through the real SDK client, with a hot key that overloads one of 4 shards: at every
// sample the put and throttled series add up to what the emulator had accepted and throttled,
// within one sample interval; after Close they match it shard by shard, the Prometheus
// exposition says the same, and the summary validates with its accounting identity holding.
//
// On virtual time (a synctest bubble, the emulator in process): the brackets around each sample
// hold however busy the machine is.
func TestSamplerAgreesWithEmulator(t *testing.T) { synctest.Test(t, testSamplerAgreesWithEmulator) }

func testSamplerAgreesWithEmulator(t *testing.T) {
	e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	offers := &metrics.OfferCounter{}
	// The KPL's static limiter (150% of a shard) rather than the adaptive one, which learns to
	// avoid throttles: this test needs them.
	p, err := producer.New(ctx, sdktest.Kinesis("http://emulator.in-process", 0, emulator.InMemTransport{Handler: e}), producer.Config{StreamName: "s", DisableAdaptive: true, Hooks: []producer.Hook{offers}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	spec := workload.DefaultSpec()
	spec.Seed, spec.Rate, spec.Duration = 1, 2500, 4*time.Second
	if spec.Keys, err = workload.ParseKeys("hot:0.9"); err != nil { // 2.25 MB/s on one shard
		t.Fatal(err)
	}
	if spec.Size, err = workload.ParseSize("1000"); err != nil {
		t.Fatal(err)
	}
	gen, err := workload.New(workload.Config{Spec: spec, Sink: producerSink{p}})
	if err != nil {
		t.Fatal(err)
	}
	s := newSampler(t, metrics.Config{Stream: "s", Producer: p, Workload: gen, Offered: offers})
	interval := s.Config().Interval

	emu := func() emulator.StreamStats {
		st, ok := e.StreamStats("s")
		if !ok {
			t.Fatal("no stream s")
		}
		return st
	}
	start := time.Now()
	s.Sample(start) // the baseline, before any record
	var wg sync.WaitGroup
	wg.Add(1)
	var runErr error
	go func() { defer wg.Done(); runErr = gen.Run(ctx) }()
	type bracket struct{ before, after emulator.StreamStats }
	var brackets []bracket
	for !gen.Stats().Done {
		time.Sleep(interval) // the sampler's cadence, on virtual time
		before := emu()
		s.Sample(time.Now())
		brackets = append(brackets, bracket{before, emu()})
	}
	wg.Wait()
	if runErr != nil {
		t.Fatal(runErr)
	}

	// During the run: what the producer had acknowledged at sample k lies between what the
	// emulator had accepted one sample earlier and what it had accepted right after sample k.
	st := s.Store()
	putBytes := integral(st.Series("put_bytes", "", time.Time{}), start)
	throttled := integral(st.Series("throttled_records", "", time.Time{}), start)
	if len(putBytes) != len(brackets) || len(throttled) != len(brackets) {
		t.Fatalf("%d put_bytes and %d throttled points for %d samples", len(putBytes), len(throttled), len(brackets))
	}
	for k, b := range brackets {
		var low emulator.ShardStats
		if k > 0 {
			low = brackets[k-1].before.Total
		}
		if !within(putBytes[k], low.AcceptedBytes, b.after.Total.AcceptedBytes) {
			t.Errorf("sample %d: put_bytes adds up to %.0f, emulator accepted %d one sample earlier and %d after", k, putBytes[k], low.AcceptedBytes, b.after.Total.AcceptedBytes)
		}
		if !within(throttled[k], low.ThrottledRecords, b.after.Total.ThrottledRecords) {
			t.Errorf("sample %d: throttled_records adds up to %.0f, emulator throttled %d one sample earlier and %d after", k, throttled[k], low.ThrottledRecords, b.after.Total.ThrottledRecords)
		}
	}

	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	sum := s.Summary(time.Now(), map[string]any{"shards": 4, "rate": spec.Rate})
	final := emu()
	if final.Total.ThrottledRecords == 0 {
		t.Fatal("the hot shard was never throttled: the load did not test throttling")
	}

	// After Close, shard by shard, exactly (up to float32 rounding of the rates).
	var hot string
	var hotOffered int64
	for _, es := range final.Shards {
		got := integral(st.Series("put_bytes", es.ShardID, time.Time{}), start)
		gotThr := integral(st.Series("throttled_records", es.ShardID, time.Time{}), start)
		if len(got) == 0 || !within(got[len(got)-1], es.AcceptedBytes, es.AcceptedBytes) {
			t.Errorf("%s: put_bytes adds up to %v, emulator accepted %d", es.ShardID, got, es.AcceptedBytes)
		}
		if len(gotThr) == 0 || !within(gotThr[len(gotThr)-1], es.ThrottledRecords, es.ThrottledRecords) {
			t.Errorf("%s: throttled_records adds up to %v, emulator throttled %d", es.ShardID, gotThr, es.ThrottledRecords)
		}
		if es.AcceptedRecords > 0 {
			var finite int
			for _, pt := range st.Series("end_to_end_ms_p99", es.ShardID, time.Time{}) {
				if !math.IsNaN(pt.V) && pt.V > 0 {
					finite++
				}
			}
			if finite == 0 {
				t.Errorf("%s took %d records but has no end_to_end_ms_p99 point", es.ShardID, es.AcceptedRecords)
			}
		}
		gotThrB := integral(st.Series("throttled_bytes", es.ShardID, time.Time{}), start)
		if len(gotThrB) == 0 || !within(gotThrB[len(gotThrB)-1], es.ThrottledBytes, es.ThrottledBytes) {
			t.Errorf("%s: throttled_bytes adds up to %v, emulator throttled %d bytes", es.ShardID, gotThrB, es.ThrottledBytes)
		}
		if off, _ := offers.Offered(es.ShardID); off > hotOffered {
			hot, hotOffered = es.ShardID, off
		}
	}
	// The hot shard is the one offered the most, more than its limit lets through.
	for _, es := range final.Shards {
		if es.ShardID != hot && es.ThrottledRecords > 0 {
			t.Errorf("%s was throttled (%d) but only the hot shard %s is overloaded", es.ShardID, es.ThrottledRecords, hot)
		}
	}
	if pts := st.Series("offered_bytes", hot, time.Time{}); len(pts) == 0 {
		t.Errorf("no offered_bytes series for the hot shard %s", hot)
	}

	fams := scrape(t, s)
	sl := map[string]string{"stream": "s"}
	if got := value(t, fams, "shardstorm_kinesis_bytes_put_total", sl); got != float64(final.Total.AcceptedBytes) {
		t.Errorf("exposed kinesis bytes put %v, emulator accepted %d", got, final.Total.AcceptedBytes)
	}
	if got := value(t, fams, "shardstorm_throttled_records_total", sl); got != float64(final.Total.ThrottledRecords) {
		t.Errorf("exposed throttled %v, emulator throttled %d", got, final.Total.ThrottledRecords)
	}
	for _, es := range final.Shards {
		l := map[string]string{"stream": "s", "shard": es.ShardID}
		if got := value(t, fams, "shardstorm_shard_kinesis_records_put_total", l); got != float64(es.AcceptedRecords) {
			t.Errorf("%s: exposed kinesis records %v, emulator accepted %d", es.ShardID, got, es.AcceptedRecords)
		}
	}

	_, back := validateSummary(t, sum)
	if !back.Accounting.Holds {
		t.Errorf("accounting identity does not hold after Close: %+v", back.Accounting)
	}
	if back.Totals.KinesisBytesPut != final.Total.AcceptedBytes || back.Totals.ThrottledRecords != final.Total.ThrottledRecords {
		t.Errorf("summary totals %+v, emulator %+v", back.Totals, final.Total)
	}
	if back.Latency.EndToEnd.Count == 0 || back.Throughput.ThrottledFraction <= 0 {
		t.Errorf("summary latency %+v, throttled fraction %v", back.Latency.EndToEnd, back.Throughput.ThrottledFraction)
	}
	t.Logf("%d samples; emulator accepted %d records, %d bytes, throttled %d; summary: %.2f MiB/s, %.1f%% of byte capacity, throttled fraction %.3f",
		len(brackets), final.Total.AcceptedRecords, final.Total.AcceptedBytes, final.Total.ThrottledRecords,
		back.Throughput.KinesisMiBPerSec, back.Throughput.BytesPctOfCapacity, back.Throughput.ThrottledFraction)
}

// within: x lies in [lo, hi], allowing for the float32 rounding of the stored rates.
func within(x float64, lo, hi int64) bool {
	tol := 1e-5*float64(hi) + 1
	return x >= float64(lo)-tol && x <= float64(hi)+tol
}
