package producer

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// A percentile read from the buckets is never below the true one and at most one bucket (30%)
// above it, for latencies in the buckets' range.
func TestLatencyCountsPercentileWithinABucket(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ds := rapid.SliceOfN(rapid.Int64Range(int64(latencyBase), int64(10*time.Minute)), 1, 500).Draw(t, "latencies")
		var lc latencyCounters
		for _, d := range ds {
			lc.record(time.Duration(d))
		}
		got, ok := lc.snapshot().Percentile(99)
		if !ok {
			t.Fatal("no percentile")
		}
		sorted := append([]int64(nil), ds...)
		for i := range sorted { // insertion sort: small n
			for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		idx := (99*len(sorted) + 99) / 100
		truth := time.Duration(sorted[max(idx-1, 0)])
		if got < truth || float64(got) > float64(truth)*latencyGrowth*1.0001 {
			t.Fatalf("p99 %v, true p99 %v", got, truth)
		}
	})
	if _, ok := (LatencyCounts{}).Percentile(50); ok {
		t.Fatal("a percentile of nothing")
	}
}

// The bucket search puts every latency where the logarithm does, bounds included.
func TestLatencyBucketIsTheLogarithms(t *testing.T) {
	for i := 1; i < NumLatencyBuckets; i++ {
		f := bucketFloor[i]
		if latencyBucket(f) != latencyBucketByLog(f) || latencyBucket(f-1) != latencyBucketByLog(f-1) {
			t.Fatalf("bucket %d's floor %v: search %d and %d, logarithm %d and %d", i, f,
				latencyBucket(f), latencyBucket(f-1), latencyBucketByLog(f), latencyBucketByLog(f-1))
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		d := time.Duration(rapid.Int64Range(-1, 1<<62).Draw(t, "d"))
		if got, want := latencyBucket(d), latencyBucketByLog(d); got != want {
			t.Fatalf("%v: bucket %d, logarithm says %d", d, got, want)
		}
	})
}
