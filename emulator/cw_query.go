package emulator

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// metricID names one metric. dims may be in any order.
type metricID struct {
	namespace, name string
	dims            []Dimension
}

// bucketStats is one period of a metric: every per-second point whose second falls in
// [start, start+period), merged.
type bucketStats struct {
	start int64 // epoch seconds, a multiple of the period
	stats secondStats
}

// cwStatistics are the statistics the emulator computes; percentiles, trimmed means and the
// like need the raw samples, which the per-second store does not keep.
var cwStatistics = []string{"Sum", "SampleCount", "Average", "Minimum", "Maximum"}

// statistic returns the named statistic of b; ok is false for a statistic the emulator
// does not compute.
func (b secondStats) statistic(stat string) (v float64, ok bool) {
	switch stat {
	case "Sum":
		return b.sum, true
	case "SampleCount":
		return b.count, true
	case "Average":
		return b.sum / b.count, true
	case "Minimum":
		return b.min, true
	case "Maximum":
		return b.max, true
	}
	return 0, false
}

// buckets returns id's data from the seconds [startSec, endSec) merged into period-second
// buckets aligned on the epoch (bucket start = floor(sec/period)*period), ascending, only the
// buckets that had data (as CloudWatch answers). unit "" merges every unit; otherwise only
// samples sent with that unit count. now prunes what the retention no longer covers.
func (s *metricStore) buckets(id metricID, unit string, startSec, endSec, period int64, now time.Time) []bucketStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	s.keyBuf = appendSeriesKey(s.keyBuf[:0], id.namespace, id.name, s.sortedDimsLocked(id.dims))
	se := s.series[string(s.keyBuf)]
	if se == nil {
		return nil
	}
	cutoff := s.cutoffLocked()
	var out []bucketStats
	merged := 0 // units merged into out so far: past the first, buckets may interleave
	for i := range se.units {
		up := &se.units[i]
		if unit != "" && up.unit != unit {
			continue
		}
		up.prune(cutoff)
		pts := up.points
		from := sort.Search(len(pts), func(i int) bool { return pts[i].sec >= startSec })
		for _, p := range pts[from:] {
			if p.sec >= endSec {
				break
			}
			start := floorDiv(p.sec, period) * period
			if n := len(out); merged == 0 && n > 0 && out[n-1].start == start {
				out[n-1].stats.merge(p)
				continue
			}
			out = append(out, bucketStats{start: start, stats: p})
		}
		merged++
	}
	if merged > 1 {
		out = mergeBuckets(out)
	}
	return out
}

// mergeBuckets sorts buckets by start and merges those with the same start.
func mergeBuckets(b []bucketStats) []bucketStats {
	slices.SortStableFunc(b, func(x, y bucketStats) int { return cmp.Compare(x.start, y.start) })
	out := b[:0]
	for _, x := range b {
		if n := len(out); n > 0 && out[n-1].start == x.start {
			out[n-1].stats.merge(x.stats)
			continue
		}
		out = append(out, x)
	}
	return out
}

// metrics returns the identity of every metric that still has data, sorted by namespace, name
// and dimensions so ListMetrics pages stay stable.
func (s *metricStore) metrics(now time.Time) []listedMetric {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
	s.sweepLocked() // drop what expired since the last sweep: only metrics with data are listed
	out := make([]listedMetric, 0, len(s.series))
	for _, se := range s.series {
		last := int64(0)
		for _, up := range se.units {
			last = max(last, up.points[len(up.points)-1].sec)
		}
		out = append(out, listedMetric{id: metricID{se.namespace, se.name, se.dims}, lastSec: last})
	}
	slices.SortFunc(out, func(a, b listedMetric) int { return compareMetricIDs(a.id, b.id) })
	return out
}

// listedMetric is a metric as ListMetrics sees it.
type listedMetric struct {
	id      metricID
	lastSec int64 // newest point, for RecentlyActive
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// compareMetricIDs orders metrics by namespace, name, then their sorted dimensions.
func compareMetricIDs(a, b metricID) int {
	if c := cmp.Compare(a.namespace, b.namespace); c != 0 {
		return c
	}
	if c := cmp.Compare(a.name, b.name); c != 0 {
		return c
	}
	return slices.CompareFunc(a.dims, b.dims, func(x, y Dimension) int {
		if c := cmp.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return cmp.Compare(x.Value, y.Value)
	})
}
