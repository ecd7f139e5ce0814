package cloudwatch

import (
	"slices"
	"time"
)

// Point is one CloudWatch data point: the start of its period and the statistic's
// value over the period.
type Point struct {
	Time  time.Time
	Value float64
}

// pointHistory is the recent points of one series, oldest first, at most limit of them: memory is
// fixed per series however long the poller runs. Points are whole seconds (CloudWatch's
// timestamps are), stored as Unix seconds to keep a point at 16 bytes.
type pointHistory struct {
	secs []int64
	vals []float64
	// backfilled: a poll has read this series over the whole history window, so later polls
	// need only revisit the last few periods.
	backfilled bool
}

// merge adds points, replacing a point of the same period: CloudWatch revises a period's value
// while late samples arrive, and each poll re-reads the last few periods to pick that up.
func (h *pointHistory) merge(points []Point, limit int) {
	for _, p := range points {
		sec := p.Time.Unix()
		// Points arrive in time order and mostly newer than all kept: test the end first.
		if n := len(h.secs); n == 0 || sec > h.secs[n-1] {
			h.secs, h.vals = append(h.secs, sec), append(h.vals, p.Value)
			continue
		}
		i, found := slices.BinarySearch(h.secs, sec)
		if found {
			h.vals[i] = p.Value
			continue
		}
		h.secs, h.vals = slices.Insert(h.secs, i, sec), slices.Insert(h.vals, i, p.Value)
	}
	if extra := len(h.secs) - limit; extra > 0 {
		h.secs, h.vals = slices.Delete(h.secs, 0, extra), slices.Delete(h.vals, 0, extra)
	}
}

func (h *pointHistory) latest() (Point, bool) {
	n := len(h.secs)
	if n == 0 {
		return Point{}, false
	}
	return Point{Time: time.Unix(h.secs[n-1], 0).UTC(), Value: h.vals[n-1]}, true
}

func (h *pointHistory) points() []Point {
	out := make([]Point, len(h.secs))
	for i := range h.secs {
		out[i] = Point{Time: time.Unix(h.secs[i], 0).UTC(), Value: h.vals[i]}
	}
	return out
}
