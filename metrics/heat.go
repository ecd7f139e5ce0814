package metrics

import (
	"math"
	"time"
)

// The heat rows: per shard, one byte per second over the window — the load sent to the shard as
// a percentage of its binding limit (the larger of records % and bytes %) and whether it was
// throttled in that second — for a heatmap of shards × time.
//
// The load is what the application offers the shard, where offers are counted per shard (an
// OfferCounter, as in shardstorm's own runs), else what was put (a fleet, watch mode). Offers
// say how hot a key makes a shard — 140 % of its limit, not the 100 % it can take — and a
// hotspot dissolves in the map as soon as the keys spread, not half a minute later when the
// producer has drained the shard's backlog at the limit. Offered user records count against the
// records limit as the Kinesis records they become: divided by the shard's aggregation ratio. The series hold the same figures at
// the sampling interval as float32s per metric; a heatmap of thousands of shards needs one small
// figure per shard-second, read in one pass. Memory is fixed: a byte per shard per second of the
// window, so 10,000 shards over the default 10-minute window take 10,000 × 600 B = 6 MB of cells,
// 7.5 MB with the rows' headers and map (measured by TestHeatRowsAreBoundedByTheWindow),
// however long the run.

// HeatCell is one shard-second: its records and bytes as % of the shard's limits, the larger
// (rounded, capped at HeatMaxPct), and whether any of its records was throttled in that second.
type HeatCell uint8

const (
	// HeatMaxPct is the largest percentage a cell holds; more reads as HeatMaxPct.
	HeatMaxPct = 126
	// NoHeat is the cell of a second with no sample of the shard (before it opened, after it
	// closed, or a gap in sampling).
	NoHeat HeatCell = 0x7F

	heatThrottled HeatCell = 0x80
	heatPctMask   HeatCell = 0x7F
)

// Pct is the cell's percentage of the binding limit; ok is false for NoHeat.
func (c HeatCell) Pct() (pct int, ok bool) {
	if c&heatPctMask == NoHeat {
		return 0, false
	}
	return int(c & heatPctMask), true
}

// Throttled reports whether the shard had records throttled in that second.
func (c HeatCell) Throttled() bool { return c&heatThrottled != 0 }

// Max is the cell of two seconds (or shards) drawn as one: the larger percentage, throttled if
// either was; NoHeat only if both are.
func (c HeatCell) Max(o HeatCell) HeatCell {
	switch {
	case o&heatPctMask == NoHeat:
		return c
	case c&heatPctMask == NoHeat:
		return o
	}
	return max(c&heatPctMask, o&heatPctMask) | (c|o)&heatThrottled
}

// MakeHeatCell is the cell of pct (clamped to 0…HeatMaxPct; NaN gives NoHeat), throttled or
// not: for sources other than the sampler (replays, tests of what reads heat rows).
func MakeHeatCell(pct float64, throttled bool) HeatCell {
	if math.IsNaN(pct) {
		return NoHeat
	}
	c := HeatCell(min(max(math.Round(pct), 0), HeatMaxPct))
	if throttled {
		c |= heatThrottled
	}
	return c
}

// heatRow is one shard's ring: the cell of second t is at t % len(cells), for the seconds
// first…done that are still in the window; the second being sampled (acc) is read from its
// running sums.
type heatRow struct {
	cells []HeatCell
	// ratio is the shard's latest aggregation ratio (user records per Kinesis record), which
	// turns offered user records into Kinesis records; 0 until one is known.
	ratio float64
	// first is the row's first second, done the last completed one (done < first until one
	// is), seen the last with a sample: the row is dropped once seen has left the window.
	first, done, seen int64
	acc               heatAcc
}

// heatAcc sums one second's samples: each percentage times the sample's interval, so a second
// reads as the mean over its samples however they were spaced.
type heatAcc struct {
	sec              int64
	recPct, bytePct  float64
	covered          float64 // seconds of samples summed
	haveRec, haveByt bool
	throttled        bool
}

func (a *heatAcc) cell() HeatCell {
	if a.covered <= 0 || !a.haveRec && !a.haveByt {
		return NoHeat
	}
	pct := math.Inf(-1)
	if a.haveRec {
		pct = a.recPct / a.covered
	}
	if a.haveByt {
		pct = max(pct, a.bytePct/a.covered)
	}
	return MakeHeatCell(pct, a.throttled)
}

// heatRows holds every shard's heat row, under the Store's lock.
type heatRows struct {
	capacity int // seconds
	// recLimit and byteLimit are a shard's limits: the 100 % of offered records and bytes.
	recLimit, byteLimit float64
	rows                map[string]*heatRow
}

func newHeatRows(window time.Duration, recLimit, byteLimit float64) heatRows {
	return heatRows{capacity: max(int((window+time.Second-1)/time.Second), 2), rows: map[string]*heatRow{},
		recLimit: recLimit, byteLimit: byteLimit}
}

// load is a shard's records and bytes as % of its limits in one sample: offered where offers
// are counted, else put; NaN for a figure it does not have.
func (h *heatRows) load(r *heatRow, sv *ShardValues) (recPct, bytePct float64) {
	offRec, offByt := sv.Get(OfferedRecords), sv.Get(OfferedBytes)
	if math.IsNaN(offRec) || math.IsNaN(offByt) {
		return sv.Get(PutRecordsPct), sv.Get(PutBytesPct)
	}
	if ratio := sv.Get(AggregationRatio); ratio >= 1 {
		r.ratio = ratio
	}
	return 100 * offRec / max(r.ratio, 1) / h.recLimit, 100 * offByt / h.byteLimit
}

// heatSecond is the second a sample taken at t belongs to: the one its interval ends in (a sample
// at 12:00:01.000 covers 12:00:00.750 to 12:00:01.000).
func heatSecond(t time.Time) int64 {
	return t.Add(-time.Nanosecond).Unix()
}

// add folds a snapshot's shard values into their rows, completes the seconds that are over and
// drops the rows of shards whose last second has left the window.
func (h *heatRows) add(snap *Snapshot) {
	sec := heatSecond(snap.Time)
	dt := snap.Interval.Seconds()
	for i := range snap.Shards {
		sv := &snap.Shards[i]
		r := h.rows[sv.ShardID]
		if r == nil {
			r = &heatRow{cells: make([]HeatCell, h.capacity), first: sec, done: sec - 1, seen: sec}
			r.acc.sec = sec
			h.rows[sv.ShardID] = r
		}
		h.complete(r, sec)
		r.seen = sec
		a := &r.acc
		a.covered += dt
		rec, byt := h.load(r, sv)
		if v := rec; !math.IsNaN(v) {
			a.recPct += v * dt
			a.haveRec = true
		}
		if v := byt; !math.IsNaN(v) {
			a.bytePct += v * dt
			a.haveByt = true
		}
		if v := sv.Get(ThrottledRecords); v > 0 {
			a.throttled = true
		}
	}
	for id, r := range h.rows {
		h.complete(r, sec)
		if r.seen <= sec-int64(h.capacity) {
			delete(h.rows, id)
		}
	}
}

// complete stores the row's running second once sec is past it, and marks the seconds between
// it and sec as without samples (their slots may still hold cells from a window ago).
func (h *heatRows) complete(r *heatRow, sec int64) {
	if r.acc.sec >= sec {
		return
	}
	n := int64(len(r.cells))
	r.cells[r.acc.sec%n] = r.acc.cell()
	for t := max(r.acc.sec+1, sec-n+1); t < sec; t++ {
		r.cells[t%n] = NoHeat
	}
	r.done = sec - 1
	r.acc = heatAcc{sec: sec}
}

// row appends the cells of seconds from…from+n-1 to dst.
func (h *heatRows) row(dst []HeatCell, shardID string, from int64, n int) []HeatCell {
	r := h.rows[shardID]
	size := int64(h.capacity)
	for t := from; t < from+int64(n); t++ {
		switch {
		case r == nil || t < r.first:
			dst = append(dst, NoHeat)
		case t == r.acc.sec:
			dst = append(dst, r.acc.cell())
		case t <= r.done && t > r.done-size:
			dst = append(dst, r.cells[t%size])
		default:
			dst = append(dst, NoHeat)
		}
	}
	return dst
}

// HeatSeconds is how many seconds of heat rows the store keeps: the window, rounded up.
func (s *Store) HeatSeconds() int { return s.heat.capacity }

// AppendHeatRow appends to dst the heat cells of a shard for the seconds starting at from
// (truncated to the second) and n-1 after it, NoHeat where it has none. The second being
// sampled reads as the mean of its samples so far.
func (s *Store) AppendHeatRow(dst []HeatCell, shardID string, from time.Time, n int) []HeatCell {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.heat.row(dst, shardID, from.Unix(), n)
}

// HeatSecondOf is the second of the heat rows that holds a sample taken at t: the one its
// interval ends in. A view ending at now shows seconds up to HeatSecondOf(now).
func HeatSecondOf(t time.Time) time.Time { return time.Unix(heatSecond(t), 0) }
