package advisor

import (
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/metrics"
)

// observeAll feeds n samples of the same figures and returns every finding raised.
func observeAll(a *Advisor, f *feed, n int, shards []shardFig, stream map[metrics.Metric]float64) []metrics.Finding {
	var out []metrics.Finding
	for range n {
		raised, _ := a.Observe(Input{Snapshot: f.next(shards, stream)})
		out = append(out, raised...)
	}
	return out
}

func find(fs []metrics.Finding, rule string) *metrics.Finding {
	for i := range fs {
		if fs[i].Rule == rule {
			return &fs[i]
		}
	}
	return nil
}

func fleetFeed(profile string) *feed {
	f := newFeed()
	f.settings = metrics.ProducerSettings{Profile: profile, MaxConnections: 24, RecordTtl: f.settings.RecordTtl}
	return f
}

// 1,500 records/s of 1,064 bytes into one shard by PutRecord: each counts 2 KiB, so the shard
// takes 512/s and throttles the rest. The finding names the rounding, the 512 and PutRecords.
func TestPutRecordRoundingNamesTheWasteAndPutRecords(t *testing.T) {
	const size = 1064
	load := []shardFig{{offered: 1500, offeredBytes: 1500 * size, put: 512, putBytes: 512 * size, throttled: 988}}
	stream := map[metrics.Metric]float64{metrics.ThrottledBytes: 988 * size}
	got := find(observeAll(New(Config{}), fleetFeed("putrecord"), 12, load, stream), "putrecord-rounding")
	if got == nil {
		t.Fatal("no putrecord-rounding finding")
	}
	if got.Severity != Warning {
		t.Errorf("severity %s, want warning: the stream throttles", got.Severity)
	}
	for _, want := range []string{"1,064-byte", "2 KiB", "48%", "at most 512 records/s", "PutRecords would take 986"} {
		if !strings.Contains(got.Summary, want) {
			t.Errorf("summary lacks %q: %s", want, got.Summary)
		}
	}
	if !strings.Contains(got.Advice, "PutRecords (run --producer putrecords)") || !strings.Contains(got.Advice, "1,024 bytes") {
		t.Errorf("advice: %s", got.Advice)
	}
	// The same figures through PutRecords, or records a KiB exactly, waste nothing to rounding.
	if f := find(observeAll(New(Config{}), fleetFeed("putrecords"), 12, load, stream), "putrecord-rounding"); f != nil {
		t.Errorf("PutRecords rounds per call, yet: %s", f.Summary)
	}
	even := []shardFig{{offered: 900, offeredBytes: 900 * 1024, put: 900, putBytes: 900 * 1024}}
	if f := find(observeAll(New(Config{}), fleetFeed("putrecord"), 12, even, nil), "putrecord-rounding"); f != nil {
		t.Errorf("1 KiB records lose nothing to rounding, yet: %s", f.Summary)
	}
}

func TestRoundingArithmetic(t *testing.T) {
	for _, c := range []struct {
		size, billed, perShard float64
	}{{1, 1024, 1000}, {1024, 1024, 1000}, {1025, 2048, 512}, {1100, 2048, 512}, {3000, 3072, 1024.0 / 3}} {
		r := roundingAt(c.size)
		if r.billed != c.billed || r.putRecordPerShard != c.perShard {
			t.Errorf("%g bytes: billed %g, %g/s per shard; want %g, %g", c.size, r.billed, r.putRecordPerShard, c.billed, c.perShard)
		}
	}
	if r := roundingAt(1100); int(r.putRecordsPerShard) != 953 {
		t.Errorf("PutRecords at 1,100 bytes: %g/s per shard, want 953 (1 MiB ÷ 1,100)", r.putRecordsPerShard)
	}
}

func TestClientsNotBatching(t *testing.T) {
	load := []shardFig{{offered: 400, offeredBytes: 400 * 200, put: 400, putBytes: 400 * 200}}
	one := map[metrics.Metric]float64{metrics.RecordsPerRequest: 1}
	got := find(observeAll(New(Config{}), fleetFeed("putrecords"), 12, load, one), "clients-not-batching")
	if got == nil || !strings.Contains(got.Summary, "1.0 records each") || !strings.Contains(got.Advice, "--client-interval") {
		t.Fatalf("finding %+v", got)
	}
	full := map[metrics.Metric]float64{metrics.RecordsPerRequest: 40}
	if f := find(observeAll(New(Config{}), fleetFeed("putrecords"), 12, load, full), "clients-not-batching"); f != nil {
		t.Errorf("40 records a call is batching, yet: %s", f.Summary)
	}
}

func TestPutsOnTheCriticalPath(t *testing.T) {
	load := []shardFig{{offered: 100, offeredBytes: 100 * 200, put: 100, putBytes: 100 * 200}}
	slow := map[metrics.Metric]float64{metrics.EndToEndP99: 400, metrics.EndToEndP50: 80, metrics.RecordsPerRequest: 20}
	got := find(observeAll(New(Config{}), fleetFeed("putrecord"), 12, load, slow), "puts-on-critical-path")
	if got == nil || !strings.Contains(got.Summary, "400 ms") {
		t.Fatalf("finding %+v", got)
	}
	// shardstorm's engine answers through a callback: the application does not wait on it.
	if f := find(observeAll(New(Config{}), newFeed(), 12, load, slow), "puts-on-critical-path"); f != nil {
		t.Errorf("raised for shardstorm's engine: %s", f.Summary)
	}
	fast := map[metrics.Metric]float64{metrics.EndToEndP99: 30, metrics.RecordsPerRequest: 20}
	if f := find(observeAll(New(Config{}), fleetFeed("putrecord"), 12, load, fast), "puts-on-critical-path"); f != nil {
		t.Errorf("30 ms is not the critical path: %s", f.Summary)
	}
}

// 300 clients come back at once after an outage and drain their buffers: the throttling after
// the burst is the finding; the same burst into a stream with room for it is not.
func TestReconnectBurstThatThrottles(t *testing.T) {
	run := func(throttledAfter float64) []metrics.Finding {
		a, f := New(Config{}), fleetFeed("putrecords")
		quiet := map[metrics.Metric]float64{metrics.ClientsOnline: 0, metrics.ClientsOffline: 300, metrics.ClientsBufferedRecords: 9000,
			metrics.ReconnectsPerSec: 0, metrics.RecordsPerRequest: 30}
		out := observeAll(a, f, 8, []shardFig{{offered: 0, put: 0}}, quiet)
		burst := map[metrics.Metric]float64{metrics.ClientsOnline: 300, metrics.ClientsOffline: 0, metrics.ClientsBufferedRecords: 6000,
			metrics.ReconnectsPerSec: 300, metrics.RecordsPerRequest: 30}
		out = append(out, observeAll(a, f, 1, []shardFig{{offered: 3000, offeredBytes: 3000 * 200, put: 1000, putBytes: 1000 * 200, throttled: throttledAfter}}, burst)...)
		after := map[metrics.Metric]float64{metrics.ClientsOnline: 300, metrics.ReconnectsPerSec: 0, metrics.RecordsPerRequest: 30}
		return append(out, observeAll(a, f, 6, []shardFig{{offered: 3000, offeredBytes: 3000 * 200, put: 1000, putBytes: 1000 * 200, throttled: throttledAfter}}, after)...)
	}
	got := find(run(2000), "reconnect-burst-throttles")
	if got == nil {
		t.Fatal("no reconnect-burst-throttles finding")
	}
	if !strings.Contains(got.Summary, "300/s of 300 clients") || !strings.Contains(got.Advice, "jitter") {
		t.Errorf("finding %s / %s", got.Summary, got.Advice)
	}
	if f := find(run(0), "reconnect-burst-throttles"); f != nil {
		t.Errorf("nothing throttled, yet: %s", f.Summary)
	}
}

// PutRecord from 24 threads at 50 ms a call: at most 480 records/s; 2,000 are asked. Little's
// law at the measured latency: 2,000/s × 0.05 s × 1.2 = 120 threads.
func TestPutRecordThreadBoundSizedByLittlesLaw(t *testing.T) {
	load := []shardFig{{offered: 1000, offeredBytes: 1000 * 100, put: 240, putBytes: 240 * 100},
		{offered: 1000, offeredBytes: 1000 * 100, put: 240, putBytes: 240 * 100}}
	busy := map[metrics.Metric]float64{metrics.RequestsInFlight: 24, metrics.RequestP50: 50, metrics.PendingRecords: 5000, metrics.RecordsPerRequest: 1}
	fs := observeAll(New(Config{}), fleetFeed("putrecord"), 12, load, busy)
	got := find(fs, "putrecord-thread-bound")
	if got == nil {
		t.Fatalf("no putrecord-thread-bound finding: %v", rules(fs))
	}
	if !strings.Contains(got.Summary, "24 threads") || !strings.Contains(got.Advice, "run 120 threads") || !strings.Contains(got.Advice, "asynchronous client") {
		t.Errorf("finding %s / %s", got.Summary, got.Advice)
	}
	if find(fs, "producer-bound") != nil {
		t.Error("producer-bound (raise MaxConnections) raised for a fleet")
	}
}

// Simple clients have no aggregation setting to turn on: a fleet that binds on the records limit
// is told to pack its records into KPL-format aggregates itself, not to set AggregationEnabled.
func TestRecordBoundFleetIsToldToAggregateInTheClient(t *testing.T) {
	const size = 120
	load := []shardFig{{offered: 1400, offeredBytes: 1400 * size, put: 1000, putBytes: 1000 * size, throttled: 400},
		{offered: 1400, offeredBytes: 1400 * size, put: 1000, putBytes: 1000 * size, throttled: 400}}
	for _, tc := range []struct {
		feed      *feed
		want, not string
	}{
		{fleetFeed("putrecords"), "aws-kinesis-agg", "AggregationEnabled"},
		{func() *feed { f := newFeed(); f.settings.Aggregation = false; return f }(), "AggregationEnabled=true", "aws-kinesis-agg"},
	} {
		got := find(observeAll(New(Config{}), tc.feed, 12, load, nil), "record-bound")
		if got == nil {
			t.Fatalf("%s: no record-bound finding", tc.feed.settings.Profile)
		}
		if !strings.Contains(got.Advice, tc.want) || strings.Contains(got.Advice, tc.not) {
			t.Errorf("%q: advice %q: want %q, not %q", tc.feed.settings.Profile, got.Advice, tc.want, tc.not)
		}
	}
}
