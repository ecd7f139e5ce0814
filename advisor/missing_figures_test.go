package advisor

import (
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/metrics"
)

// quotesConnectionCount says whether a finding computes a connection or producer count: advice a
// finding may only give from a measured request time and a measured delivery rate.
func quotesConnectionCount(f metrics.Finding) bool {
	_, needed := f.Evidence["connections_needed"]
	return needed || strings.Contains(f.Advice, "raise MaxConnections to") || strings.Contains(f.Advice, "spread the load over") ||
		strings.Contains(f.Summary, "need about")
}

// Requests that hang complete nothing: there is no request time to divide by, so no finding may
// quote a connection count ("requests taking 0 ms … need about 1048576 connections … 4096
// producers" was the bug). Whatever else the figures say, a window whose request latency is
// missing or zero, or that delivered nothing, gives no count; the advisor says requests are not
// completing instead.
func TestNoConnectionCountWithoutARequestTime(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		a, f := New(Config{}), newFeed()
		f.settings.MaxConnections = rapid.IntRange(1, 64).Draw(rt, "connections")
		latency := rapid.SampledFrom([]float64{math.NaN(), 0}).Draw(rt, "request latency")
		delivered := rapid.SampledFrom([]float64{0, math.NaN()}).Draw(rt, "delivered")
		asked := rapid.Float64Range(10, 1e6).Draw(rt, "asked records/s")
		n := rapid.IntRange(1, 4).Draw(rt, "shards")
		for range rapid.IntRange(4, 30).Draw(rt, "samples") {
			shards := make([]shardFig, n)
			for i := range shards {
				shards[i] = shardFig{offered: asked / float64(n), offeredBytes: 500 * asked / float64(n), put: delivered, putBytes: delivered}
			}
			a.Observe(Input{Snapshot: f.next(shards, map[metrics.Metric]float64{
				metrics.RequestP50: latency, metrics.RequestP99: latency, metrics.RequestsInFlight: float64(f.settings.MaxConnections),
				metrics.ThrottledFraction: math.NaN(), metrics.PendingRecords: rapid.Float64Range(0, 1e6).Draw(rt, "pending")})})
		}
		for _, fd := range a.History() {
			if quotesConnectionCount(fd) {
				rt.Fatalf("%s quotes a count with no request time: %s / %s", fd.Rule, fd.Summary, fd.Advice)
			}
		}
	})
	// The plain case: every connection busy, nothing coming back.
	a, f := New(Config{}), newFeed()
	for range 8 {
		a.Observe(Input{Snapshot: f.next([]shardFig{{offered: 300, offeredBytes: 300 * 500}}, map[metrics.Metric]float64{
			metrics.RequestP50: math.NaN(), metrics.RequestP99: math.NaN(), metrics.RequestsInFlight: float64(f.settings.MaxConnections)})})
	}
	var found bool
	for _, fd := range a.Active() {
		if fd.Rule == "requests-hanging" {
			found = true
			if !strings.Contains(fd.Summary, "no request completed") {
				t.Errorf("summary %q", fd.Summary)
			}
		}
	}
	if !found {
		t.Errorf("no requests-hanging finding; active %v", rules(a.Active()))
	}
}

// quotesAgentCount says whether a finding computes how many generators the demand needs: advice
// it may only give from a measured rate one generator hands over.
func quotesAgentCount(f metrics.Finding) bool {
	_, needed := f.Evidence["agents_needed"]
	return needed || strings.Contains(f.Advice, "generators like this one") || strings.Contains(f.Advice, " agents against the stream")
}

// A hot shard is about what the stream does with the writes: once none is answered (the stream
// deleted, every request refused or hanging) the hot-key finding clears, though the workload
// still asks the same of each shard. It stayed active, stale, beside "put 0.00/s".
func TestHotShardClearsWhenNothingIsWritten(t *testing.T) {
	a, f := New(Config{}), newFeed()
	hot := hotShardLoad()
	for range 8 {
		a.Observe(Input{Snapshot: f.next(hot, nil)})
	}
	if len(a.Active()) == 0 || a.Active()[0].Rule != "hot-shard" {
		t.Fatalf("no hot-shard finding to start with: %v", rules(a.Active()))
	}
	gone := make([]shardFig, len(hot))
	for i, s := range hot {
		gone[i] = shardFig{offered: s.offered, offeredBytes: s.offeredBytes}
	}
	for range 40 { // 10 s: the window forgets the writes, then ClearAfter passes
		snap := f.next(gone, map[metrics.Metric]float64{metrics.RequestP50: 3, metrics.ThrottledFraction: math.NaN()})
		snap.Stream.Errors = map[string]float64{"ResourceNotFoundException": 40}
		a.Observe(Input{Snapshot: snap, LastErrors: map[string]string{"ResourceNotFoundException": "Stream s under account 000000000000 not found."}})
	}
	got := rules(a.Active())
	if len(got) != 1 || got[0] != "stream-deleted" {
		t.Errorf("active with nothing written: %v, want only stream-deleted", got)
	}
}
