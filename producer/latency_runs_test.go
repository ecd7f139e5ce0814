package producer

import (
	"math/rand/v2"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// newLatencyHistogram is the library's histogram of the producer's range.
func newLatencyHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(1, hdrTop, hdrDigits) }

// record counts d in h one value at a time, as the producer did through the library.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	_ = h.RecordValue(min(max(d.Microseconds(), 1), h.HighestTrackableValue()))
}

// add counts the record that arrived at a as recordDelivered counts it in its bucket run.
func (r *bucketRun) add(a nanotime) {
	if !r.joins(a) {
		r.start(a)
	}
}

// hdrEdges are values at and around the HDR buckets' edges, and random ones of every magnitude.
func hdrEdges(rng *rand.Rand) []int64 {
	values := []int64{1, 2, 3, 1023, 1024, 2047, 2048, 2049, 2050, 4095, 4096, 4097, 4098, 1 << 20, 1<<20 - 1, 1<<20 + 1<<9, hdrTop - 1, hdrTop}
	for range 1000 {
		values = append(values, 1+rng.Int64N(hdrTop))
		values = append(values, min(1+rng.Int64N(1<<uint(1+rng.IntN(32))), hdrTop))
	}
	return values
}

// The flat counts are indexed as the library indexes its own: a histogram of values counted
// in hdrCounts is the library's histogram of the same values, each value given a count of its own
// so that no misplaced value can hide behind another.
func TestHDRCountsAreTheLibrarys(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	if got := len(newLatencyHistogram().Export().Counts); got != hdrCountsLen {
		t.Fatalf("%d counts, the library's histogram has %d", hdrCountsLen, got)
	}
	for _, v := range hdrEdges(rng) {
		lib, ours := newLatencyHistogram(), newHDRCounts()
		_ = lib.RecordValue(v)
		ours.add(time.Duration(v) * time.Microsecond)
		if got := ours.histogram(); !got.Equals(lib) {
			t.Fatalf("value %d µs: counted at %d, the library counts it at %d", v,
				got.ValueAtQuantile(100), lib.ValueAtQuantile(100))
		}
		if !lib.ValuesAreEquivalent(v, ours.histogram().ValueAtQuantile(50)) {
			t.Fatalf("value %d µs: counted in another bucket", v)
		}
	}
}

// Counting latencies as flat counts and in runs (of arrivals, at one moment) leaves the HDR
// histogram and the LatencyCounts exactly as counting them one by one through the library does.
func TestLatencyRunsCountAsEachRecord(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		var ds []time.Duration
		if trial == 0 { // every bucket's edges, each reached from the bucket below
			for _, f := range bucketFloor[1:] {
				ds = append(ds, f-1, f, f-1, f+1)
			}
			// and the HDR buckets' edges: a bucket's first microsecond and the nanosecond
			// before it, up to the histogram's top and beyond
			top := time.Duration(hdrTop) * time.Microsecond
			for _, us := range hdrEdges(rng)[:300] {
				d := time.Duration(us) * time.Microsecond
				ds = append(ds, d-1, d, d+999, d-1)
			}
			ds = append(ds, top-1, top, top+time.Microsecond, top+time.Hour, top-time.Millisecond, -time.Hour)
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
		each, counts := newLatencyHistogram(), newHDRCounts()
		var eachCounts, runCounts LatencyCounts
		at := nanotime(rng.Int64N(int64(time.Hour)))
		br := newBucketRun(&runCounts, at)
		for _, d := range ds {
			record(each, d)
			eachCounts.Record(d)
			counts.add(d)
			br.add(at - nanotime(d))
		}
		br.flush()
		if eachCounts != runCounts {
			t.Fatalf("trial %d: LatencyCounts differ:\neach %v\nruns %v", trial, eachCounts, runCounts)
		}
		if runs := counts.histogram(); !each.Equals(runs) {
			t.Fatalf("trial %d: histograms differ (total %d vs %d, p50 %d vs %d)", trial,
				each.TotalCount(), runs.TotalCount(), each.ValueAtQuantile(50), runs.ValueAtQuantile(50))
		}
	}
}
