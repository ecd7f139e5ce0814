package producer

import (
	"math/rand/v2"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

func newLatencyHistogram() *hdrhistogram.Histogram {
	var h histograms
	h.init(time.Now())
	return h.endToEnd
}

// The run's bounds are the library's buckets: every value in [lo, hi] is equivalent to the
// run's, and the values just outside are not.
func TestHDRRunBoundsAreTheLibrarys(t *testing.T) {
	h := newLatencyHistogram()
	rng := rand.New(rand.NewPCG(1, 2))
	values := []int64{1, 2, 2047, 2048, 2049, 4095, 4096, 4097, 1 << 20, 1<<20 - 1, h.HighestTrackableValue()}
	for range 20000 {
		values = append(values, 1+rng.Int64N(h.HighestTrackableValue()))
		values = append(values, 1+rng.Int64N(1<<uint(1+rng.IntN(30))))
	}
	for _, v := range values {
		r := newHDRRun(h)
		r.add(time.Duration(v) * time.Microsecond)
		if !h.ValuesAreEquivalent(v, r.lo) || !h.ValuesAreEquivalent(v, r.hi) {
			t.Fatalf("value %d: run bounds [%d, %d] are not all in its bucket", v, r.lo, r.hi)
		}
		if r.lo > 1 && h.ValuesAreEquivalent(v, r.lo-1) || r.hi < h.HighestTrackableValue() && h.ValuesAreEquivalent(v, r.hi+1) {
			t.Fatalf("value %d: its bucket reaches beyond the run's bounds [%d, %d]", v, r.lo, r.hi)
		}
	}
}

// Counting latencies in runs leaves the HDR histogram and the LatencyCounts exactly as counting
// them one by one does.
func TestLatencyRunsCountAsEachRecord(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		var ds []time.Duration
		if trial == 0 { // every bucket's edges, each reached from the bucket below
			for _, f := range bucketFloor[1:] {
				ds = append(ds, f-1, f, f-1, f+1)
			}
		}
		d := time.Duration(rng.Int64N(int64(time.Second)))
		for range rng.IntN(2000) {
			switch rng.IntN(10) {
			case 0: // a jump, as a retried record's
				d = time.Duration(rng.Int64N(int64(10 * time.Second)))
			case 1: // below the histograms' range
				d = time.Duration(rng.Int64N(2000)) - 1000
			default: // the next arrival, a little earlier
				d -= time.Duration(rng.Int64N(int64(50 * time.Microsecond)))
			}
			ds = append(ds, d)
		}
		each, runs := newLatencyHistogram(), newLatencyHistogram()
		var eachCounts, runCounts LatencyCounts
		hr, br := newHDRRun(runs), bucketRun{c: &runCounts}
		for _, d := range ds {
			record(each, d)
			eachCounts.Record(d)
			hr.add(d)
			br.add(d)
		}
		hr.flush()
		br.flush()
		if eachCounts != runCounts {
			t.Fatalf("trial %d: LatencyCounts differ:\neach %v\nruns %v", trial, eachCounts, runCounts)
		}
		if !each.Equals(runs) {
			t.Fatalf("trial %d: histograms differ (total %d vs %d, p50 %d vs %d)", trial,
				each.TotalCount(), runs.TotalCount(), each.ValueAtQuantile(50), runs.ValueAtQuantile(50))
		}
	}
}
