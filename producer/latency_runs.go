package producer

import (
	"math"
	"math/bits"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Every delivered record's latencies are counted in two HDR histograms and its shard's
// LatencyCounts; counted one by one through the library, that was a third of the engine's
// instructions after the MD5 trailer.
//
// The HDR histograms are kept as their flat counts (hdrCounts), as the library keeps them, and
// handed to it only when Stats asks: a record is counted with a few bit operations and an add,
// where the library's RecordValues checked its arguments and computed the index through three
// calls. (Runs of records in one HDR bucket were counted with one RecordValues before; but a
// bucket at a few milliseconds is a few microseconds wide, less than one shard's records lie
// apart, so most runs were of one record.)
//
// The LatencyCounts buckets are 30% wide: the records of one Kinesis record arrived one after
// another and are resolved at once, so consecutive ones mostly land in the same bucket, and
// bucketRun counts such a run with one update. A run's latencies are those of one moment minus
// the records' arrivals, so it is kept as the arrivals whose latency falls in its bucket: a
// record joins it by one comparison of its arrival.

// The histograms hold microseconds from 1 µs to 1 hour at 3 significant digits: 2048
// sub-buckets (hdrSubBucketBits), a unit of 1 µs.
const (
	hdrTop            = int64(time.Hour / time.Microsecond)
	hdrDigits         = 3
	hdrSubBucketBits  = 11
	hdrSubBucketMask  = 1<<hdrSubBucketBits - 1
	hdrSubBucketsHalf = 1 << (hdrSubBucketBits - 1)
)

// hdrCountsLen is the length of the library's counts for that range.
var hdrCountsLen = len(hdrhistogram.New(1, hdrTop, hdrDigits).Export().Counts)

// hdrCounts are the counts of an HDR histogram of microseconds, indexed as the library indexes
// them (TestHDRCountsAreTheLibrarys).
type hdrCounts []int64

func newHDRCounts() hdrCounts { return make(hdrCounts, hdrCountsLen) }

// hdrIndex is the index of the count of us, in [1, hdrTop]: the library's countsIndexFor for a
// unit of 1.
func hdrIndex(us int64) int {
	bucket := bits.Len64(uint64(us)|hdrSubBucketMask) - hdrSubBucketBits
	return (bucket+1)<<(hdrSubBucketBits-1) + int(us>>bucket) - hdrSubBucketsHalf
}

// add counts d, in microseconds clamped to the histogram's range (as the library would have it
// recorded: a latency under 1 µs counts as 1).
func (c hdrCounts) add(d time.Duration) {
	// max(d, 0)/1µs is d.Microseconds() for d ≥ 0, and below 1 µs for d < 0, as that is:
	// unsigned, the division is a multiplication.
	c[hdrIndex(min(max(int64(uint64(max(d, 0))/1e3), 1), hdrTop))]++
}

// histogram is a copy of c as the library's histogram.
func (c hdrCounts) histogram() *hdrhistogram.Histogram {
	return hdrhistogram.Import(&hdrhistogram.Snapshot{LowestTrackableValue: 1, HighestTrackableValue: hdrTop,
		SignificantFigures: hdrDigits, Counts: c})
}

// arrivals is a range of arrivals, lo to lo+span; a record joins by one unsigned comparison. The
// empty range (noArrivals) holds none: no record arrives at the end of time.
type arrivals struct {
	lo   nanotime
	span uint64
}

var noArrivals = arrivals{lo: math.MaxInt64}

func (r arrivals) holds(a nanotime) bool { return uint64(a-r.lo) <= r.span }

// arrivalsWithin is the range of arrivals whose latency at `at` lies in [dLo, dHi], an
// unbounded side given as math.MinInt64 or math.MaxInt64.
func arrivalsWithin(at nanotime, dLo, dHi time.Duration) arrivals {
	lo, hi := nanotime(math.MinInt64), nanotime(math.MaxInt64)
	if dHi != math.MaxInt64 {
		lo = at - nanotime(dHi)
	}
	if dLo != math.MinInt64 {
		hi = at - nanotime(dLo)
	}
	return arrivals{lo: lo, span: uint64(hi) - uint64(lo)}
}

// bucketRun is a run of records whose latency at `at` falls in one LatencyCounts bucket, added
// with one update of its count and sum.
type bucketRun struct {
	c         *LatencyCounts
	at        nanotime
	in        arrivals // the arrivals of the run's bucket
	i         int
	n, micros int64
}

func newBucketRun(c *LatencyCounts, at nanotime) bucketRun {
	return bucketRun{c: c, at: at, in: noArrivals}
}

// joins counts the record that arrived at a if it is of the run, and reports whether it was;
// if not, start begins the next run with it. Two calls rather than one: joins is inlined in
// the loop that calls it for every record (recordDelivered), which one function calling both
// would not be.
func (r *bucketRun) joins(a nanotime) bool {
	if !r.in.holds(a) {
		return false
	}
	r.n++
	r.micros += int64(r.at-a) / 1e3 // each record's Microseconds, as Record sums them
	return true
}

// start flushes the run and starts the next with the record that arrived at a.
func (r *bucketRun) start(a nanotime) {
	r.flush()
	d := time.Duration(r.at - a)
	r.i = latencyBucket(d)
	dLo, dHi := time.Duration(math.MinInt64), time.Duration(math.MaxInt64)
	if r.i > 0 {
		dLo = bucketFloor[r.i]
	}
	if r.i < NumLatencyBuckets-1 {
		dHi = bucketFloor[r.i+1] - 1
	}
	r.in = arrivalsWithin(r.at, dLo, dHi)
	r.n, r.micros = 1, d.Microseconds()
}

func (r *bucketRun) flush() {
	if r.n > 0 {
		r.c.Counts[r.i] += r.n
		r.c.Micros[r.i] += r.micros
		r.n = 0
	}
}
