package producer

import (
	"math"
	"sync/atomic"
	"time"
)

// LatencyCounts counts latencies in NumLatencyBuckets fixed log-scale buckets: bucket i holds
// values up to LatencyBucketUpper(i), each bound 30% above the one before, from 100 µs to about
// 25 minutes. Per shard, where full HDR histograms would cost tens of kilobytes each to copy at
// every sample, this is an array copy, and a percentile is known to within one bucket (±15%) —
// plenty to see which shard's records wait.
type LatencyCounts [NumLatencyBuckets]int64

// NumLatencyBuckets is the number of buckets of LatencyCounts.
const NumLatencyBuckets = 64

const (
	latencyBase   = 100 * time.Microsecond
	latencyGrowth = 1.3
)

var logGrowth = math.Log(latencyGrowth)

// latencyBucketByLog is the definition of d's bucket: the bound above d, in powers of 1.3.
func latencyBucketByLog(d time.Duration) int {
	if d <= latencyBase {
		return 0
	}
	i := int(math.Ceil(math.Log(float64(d)/float64(latencyBase)) / logGrowth))
	return min(i, NumLatencyBuckets-1)
}

// bucketFloor[i] is the least latency latencyBucketByLog puts in bucket i or above (i ≥ 1), found
// once by bisection: every delivered record is counted in a bucket, and a logarithm per record
// cost more than the rest of its counting.
var bucketFloor = func() (f [NumLatencyBuckets]time.Duration) {
	for i := 1; i < NumLatencyBuckets; i++ {
		lo, hi := time.Duration(0), time.Duration(math.MaxInt64) // bucket(lo) < i ≤ bucket(hi)
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if latencyBucketByLog(mid) >= i {
				hi = mid
			} else {
				lo = mid
			}
		}
		f[i] = hi
	}
	return f
}()

// latencyBucket is the bucket of d: latencyBucketByLog(d), by a search of bucketFloor.
func latencyBucket(d time.Duration) int {
	lo, hi := 0, NumLatencyBuckets-1 // bucketFloor[lo+1] > d is unknown; answer in [lo, hi]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if bucketFloor[mid] <= d {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// LatencyBucketUpper is the upper bound of bucket i (the last bucket also holds everything
// above it).
func LatencyBucketUpper(i int) time.Duration {
	return time.Duration(float64(latencyBase) * math.Pow(latencyGrowth, float64(i)))
}

// Record counts d in its bucket (not atomic: for counts kept under their owner's lock).
func (c *LatencyCounts) Record(d time.Duration) { c[latencyBucket(d)]++ }

// Sub returns the counts recorded since prev was read.
func (c LatencyCounts) Sub(prev LatencyCounts) LatencyCounts {
	var out LatencyCounts
	for i := range c {
		out[i] = max(c[i]-prev[i], 0)
	}
	return out
}

// Total is the number of latencies counted.
func (c LatencyCounts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// Percentile returns the upper bound of the bucket holding the p-th percentile (0 < p ≤ 100),
// and false when nothing was counted.
func (c LatencyCounts) Percentile(p float64) (time.Duration, bool) {
	total := c.Total()
	if total == 0 {
		return 0, false
	}
	rank := int64(math.Ceil(p / 100 * float64(total)))
	var seen int64
	for i, v := range c {
		if seen += v; seen >= rank {
			return LatencyBucketUpper(i), true
		}
	}
	return LatencyBucketUpper(NumLatencyBuckets - 1), true
}

// latencyCounters is the concurrent form a shard records into.
type latencyCounters [NumLatencyBuckets]atomic.Int64

func (l *latencyCounters) record(d time.Duration) { l[latencyBucket(d)].Add(1) }

// add adds counts gathered without atomics (a Kinesis record's users, most in a bucket or two).
func (l *latencyCounters) add(c *LatencyCounts) {
	for i, n := range c {
		if n != 0 {
			l[i].Add(n)
		}
	}
}

func (l *latencyCounters) snapshot() LatencyCounts {
	var out LatencyCounts
	for i := range l {
		out[i] = l[i].Load()
	}
	return out
}
