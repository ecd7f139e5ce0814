package metrics

import (
	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// intervalPercentiles are the quantiles each latency series reports, in percent; 100 is the
// maximum (the highest value equivalent to the largest recorded one, as Histogram.Max gives).
var intervalPercentiles = []float64{50, 90, 99, 100}

// latencyDelta turns a cumulative histogram, read at every sample, into the percentiles of the
// values recorded since the previous reading: the interval's histogram is the difference of the
// bucket counts of two readings. Without it a dashboard's p99 would be the run's p99, which
// stops moving after a minute and hides a latency spike happening now.
type latencyDelta struct {
	prev      []int64 // bucket counts at the previous reading
	prevTotal int64
	geometry  [3]int64 // lowest, highest, significant figures of prev
	diff      []int64  // scratch for the difference
}

// next reads h and returns the interval's p50, p90, p99 and max in milliseconds (h records
// microseconds), or NaNs when nothing was recorded in the interval or there is no previous
// reading to subtract.
func (d *latencyDelta) next(h *hdrhistogram.Histogram) (out [4]float64) {
	out = [4]float64{nan, nan, nan, nan}
	if h == nil {
		return out
	}
	g := [3]int64{h.LowestTrackableValue(), h.HighestTrackableValue(), h.SignificantFigures()}
	total := h.TotalCount()
	if d.prev != nil && g == d.geometry && total == d.prevTotal {
		return out // counts only grow: an unchanged total means unchanged buckets
	}
	snap := h.Export()
	first := d.prev == nil || g != d.geometry || len(snap.Counts) != len(d.prev) || total < d.prevTotal
	prev := d.prev
	d.prev, d.prevTotal, d.geometry = snap.Counts, total, g
	if first {
		// No earlier reading of this histogram (or it was replaced): nothing to subtract.
		return out
	}
	if cap(d.diff) < len(snap.Counts) {
		d.diff = make([]int64, len(snap.Counts))
	}
	diff := d.diff[:len(snap.Counts)]
	for i, c := range snap.Counts {
		diff[i] = max(c-prev[i], 0)
	}
	snap.Counts = diff
	vals := hdrhistogram.Import(snap).ValueAtPercentilesSlice(intervalPercentiles)
	for i, v := range vals {
		out[i] = float64(v) / 1000
	}
	return out
}
