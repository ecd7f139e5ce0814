package producer

import (
	"math"
	"math/bits"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Every delivered record's latencies are counted in two HDR histograms and its shard's
// LatencyCounts; counted one by one, that was a third of the engine's instructions after the
// MD5 trailer. The records of one Kinesis record arrived one after another and are resolved at
// once, so consecutive ones mostly land in the same bucket: the runs below count such a run
// with one update, leaving the histograms exactly as counting each record would.

// hdrSubBucketBits is log2 of the sub-bucket count of the histograms (3 significant digits:
// 2048 sub-buckets). Values v and w share an HDR bucket when they are equal once the bits below
// the bucket's unit are cleared (TestHDRRunBoundsAreTheLibrarys checks this against the library).
const hdrSubBucketBits = 11

// hdrRun is a run of values counted in one HDR bucket, recorded with one RecordValues.
type hdrRun struct {
	h      *hdrhistogram.Histogram
	lo, hi int64 // the values of the run's bucket
	v, n   int64 // a value of the run, and how many
}

func newHDRRun(h *hdrhistogram.Histogram) hdrRun { return hdrRun{h: h} }

// add counts d, in microseconds clamped to the histogram's range, as record does.
func (r *hdrRun) add(d time.Duration) {
	us := min(max(d.Microseconds(), 1), r.h.HighestTrackableValue())
	if r.n > 0 && us >= r.lo && us <= r.hi {
		r.n++
		return
	}
	r.flush()
	shift := max(bits.Len64(uint64(us))-hdrSubBucketBits, 0)
	r.lo = us >> shift << shift
	r.hi = r.lo + 1<<shift - 1
	r.v, r.n = us, 1
}

// flush records the run so far.
func (r *hdrRun) flush() {
	if r.n > 0 {
		_ = r.h.RecordValues(r.v, r.n) // cannot fail: v is clamped, n small
		r.n = 0
	}
}

// bucketRun is a run of latencies in one LatencyCounts bucket, added with one update of its
// count and sum.
type bucketRun struct {
	c         *LatencyCounts
	i         int
	lo, hi    time.Duration // the bucket's latencies: lo ≤ d < hi
	n, micros int64
}

// add counts d as LatencyCounts.Record does.
func (r *bucketRun) add(d time.Duration) {
	if r.n > 0 && d >= r.lo && d < r.hi {
		r.n++
		r.micros += d.Microseconds()
		return
	}
	r.flush()
	r.i = latencyBucket(d)
	r.lo, r.hi = time.Duration(math.MinInt64), time.Duration(math.MaxInt64)
	if r.i > 0 {
		r.lo = bucketFloor[r.i]
	}
	if r.i < NumLatencyBuckets-1 {
		r.hi = bucketFloor[r.i+1]
	}
	r.n, r.micros = 1, d.Microseconds()
}

func (r *bucketRun) flush() {
	if r.n > 0 {
		r.c.Counts[r.i] += r.n
		r.c.Micros[r.i] += r.micros
		r.n = 0
	}
}
