package metrics

import "math"

// Series storage. Samples are numbered from 0 as they are taken; a series holds the value of
// sample k in slot k % capacity of a fixed array, so memory is fixed by the window however long
// the run. Values are float32: a dashboard needs 7 significant digits, and it halves the
// memory of what is the bulk of the package's footprint (shards × series × points).

// ring is one series' values. nil means every value so far was 0 (most shards never retry,
// fail or expire): the array is allocated at the first non-zero value.
type ring []float32

func newRing(capacity int) ring { return make(ring, capacity) } // zeros, as nil read

// seriesSet is the series of one shard (or of the stream) over its lifetime in the window:
// samples first..last. A retired shard stops at its last sample and is dropped once that has
// left the window.
type seriesSet struct {
	capacity    int
	first, last int64
	rings       [numMetrics]ring
	errs        map[string]ring // failed attempts/s by error code
}

func newSeriesSet(capacity int, k int64) *seriesSet {
	return &seriesSet{capacity: capacity, first: k, last: k - 1}
}

// put stores v as sample k of m. Every live ring must be written at every sample: a slot not
// written would still hold the value of sample k - capacity.
func (s *seriesSet) put(m Metric, k int64, v float64) {
	r := s.rings[m]
	if r == nil {
		if v == 0 {
			return
		}
		r = newRing(s.capacity)
		s.rings[m] = r
	}
	r[k%int64(s.capacity)] = float32(v)
}

// putErrors stores the per-code rates of sample k; codes absent from rates were 0.
func (s *seriesSet) putErrors(k int64, rates map[string]float64) {
	slot := k % int64(s.capacity)
	for code, r := range s.errs {
		if _, ok := rates[code]; !ok {
			r[slot] = 0
		}
	}
	for code, v := range rates {
		r, ok := s.errs[code]
		if !ok {
			if v == 0 {
				continue
			}
			if s.errs == nil {
				s.errs = map[string]ring{}
			}
			r = newRing(s.capacity)
			s.errs[code] = r
		}
		r[slot] = float32(v)
	}
}

// oldest is the first sample index the set still holds, given that next samples were taken.
func (s *seriesSet) oldest(next int64) int64 {
	return max(s.first, next-int64(s.capacity))
}

// value reads sample k of a ring (nil reads 0); ok is false for NaN (no value that interval).
func (s *seriesSet) value(r ring, k int64) (float64, bool) {
	if r == nil {
		return 0, true
	}
	v := r[k%int64(s.capacity)]
	if v != v {
		return 0, false
	}
	return float64(v), true
}

// nan is the value of a series with nothing to report in an interval: a ratio with nothing to
// divide, a latency percentile with no records resolved. Exports leave it out.
var nan = math.NaN()
