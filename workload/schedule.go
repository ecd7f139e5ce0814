package workload

import (
	"math"
	"time"
)

// schedule maps record indexes to the wall-clock times they are due. It is immutable: each
// control change (rate, shape, pause, resume) publishes a new segment that starts "now" and
// links to the one before, so records that fell due under the old settings keep their old
// times (their lateness stays honest) while the next record follows the new ones.
//
// Times run on two clocks: wall time, and active time (wall time minus pauses), on which the
// shape runs: a ramp paused half-way resumes half-way.
type schedule struct {
	prev  *schedule // holds the records due by segA; nil for the first segment
	depth int       // segments before this one that are still linked

	pacer  Pacer
	mult   float64       // rate multiplier (MultiplyRate)
	segA   time.Duration // active time at which this segment starts
	segOff time.Duration // pacer time at segA
	segP   float64       // pacer.Hits(segOff)
	segH   float64       // records due by segA, all segments before included
	wall   time.Time     // wall time at segA (unset until Run starts)
	paused bool
}

// maxScheduleDepth bounds the chain of old segments; records older than that many changes are
// taken as due when the oldest kept segment began (only a loop that is hopelessly behind
// would ever ask).
const maxScheduleDepth = 64

// activeAt is the active time at wall time now.
func (s *schedule) activeAt(now time.Time) time.Duration {
	if s.paused {
		return s.segA
	}
	return s.segA + max(0, now.Sub(s.wall))
}

// wallAt is the wall time at active time a ≥ segA of this segment (not paused).
func (s *schedule) wallAt(a time.Duration) time.Time { return s.wall.Add(a - s.segA) }

// hits is the number of records due by active time a ≥ segA (fractional).
func (s *schedule) hits(a time.Duration) float64 {
	if s.paused || a <= s.segA || s.mult == 0 {
		return s.segH
	}
	return s.segH + s.mult*(s.pacer.Hits(s.segOff+a-s.segA)-s.segP)
}

// hitsAtWall is the number of records due by wall time w, through old segments if need be.
func (s *schedule) hitsAtWall(w time.Time) float64 {
	if w.Before(s.wall) && s.prev != nil {
		return s.prev.hitsAtWall(w)
	}
	if w.Before(s.wall) {
		return s.segH
	}
	return s.hits(s.activeAt(w))
}

// rate is the target rate at active time a (0 while paused).
func (s *schedule) rate(a time.Duration) float64 {
	if s.paused {
		return 0
	}
	return s.mult * s.pacer.Rate(s.segOff+max(0, a-s.segA))
}

// due returns when record n (0-based) is due — record n is due once n records are due, so the
// first is due at the start — in active and wall time; ok is false if it never will be under
// the current settings (paused, or the shape's rate has fallen to zero for good).
func (s *schedule) due(n float64) (a time.Duration, w time.Time, ok bool) {
	a, off, ok := s.dueOffset(n)
	if !ok {
		return 0, time.Time{}, false
	}
	return a, s.wall.Add(off), true
}

// dueOffset is due with the wall time given as its offset from this segment's start (s.wall;
// negative for a record of an older segment): the send loop compares offsets, which costs a
// fraction of the time.Time arithmetic (Add, After, Sub: 150 instructions a record).
func (s *schedule) dueOffset(n float64) (a, off time.Duration, ok bool) {
	// Records due by segA belong to older segments. Record segH itself fell due exactly at
	// segA, or not yet if the segments before never made it due (a run that starts paused).
	if n < s.segH {
		if s.prev != nil {
			a, w, ok := s.prev.due(n)
			return a, w.Sub(s.wall), ok
		}
		return s.segA, 0, true
	}
	if n == s.segH && s.prev != nil {
		if a, w, ok := s.prev.due(n); ok {
			return a, w.Sub(s.wall), true
		}
	}
	if s.paused || s.mult == 0 {
		return 0, 0, false
	}
	t, ok := s.pacer.At(s.segP + (n-s.segH)/s.mult)
	if !ok {
		return 0, 0, false
	}
	a = s.segA + max(0, t-s.segOff)
	return a, a - s.segA, true
}

// next starts a new segment at wall time now, copying s; the caller then changes what the
// control changes.
func (s *schedule) next(now time.Time, started bool) *schedule {
	if !started { // nothing scheduled yet: change the first segment in place (a copy)
		c := *s
		return &c
	}
	a := s.activeAt(now)
	c := *s
	c.prev, c.depth = s, s.depth+1
	c.segH = s.hits(a)
	c.segOff = s.segOff + max(0, a-s.segA)
	c.segA = a
	c.segP = s.pacer.Hits(c.segOff)
	c.wall = now
	if c.depth > maxScheduleDepth {
		c.trim()
	}
	return &c
}

// trim drops the oldest segment of the chain (copying the links it changes, since segments
// may be read concurrently).
func (s *schedule) trim() {
	cur := s
	for cur.prev != nil && cur.prev.prev != nil {
		p := *cur.prev
		cur.prev = &p
		cur.depth--
		cur = &p
	}
	cur.prev = nil
	cur.depth = 0
}

// withShape restarts the shape from its own start at the segment's start.
func (s *schedule) withShape(p Pacer) {
	s.pacer, s.mult, s.segOff, s.segP = p, 1, 0, 0
}

// currentRate is the rate at the segment's start, for checking a change against MaxRate.
func (s *schedule) currentRate() float64 {
	r := s.mult * s.pacer.Rate(s.segOff)
	if math.IsNaN(r) {
		return 0
	}
	return r
}

// describe is the shape in force in compact form, with the multiplier when there is one.
func (s *schedule) describe() string {
	if s.mult == 1 {
		return s.pacer.String()
	}
	return s.pacer.String() + " ×" + fmtFloat(s.mult)
}
