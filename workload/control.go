package workload

import (
	"fmt"
	"math"
)

// Live controls. All are safe from any goroutine and take effect on the next scheduled record:
// a rate change reschedules the record Run is waiting for. Records already due keep the times
// they had, so a change never hides lateness.

// change publishes the schedule edit makes to a new segment starting now, and wakes Run.
func (g *Generator) change(edit func(s *schedule) error) error {
	g.ctl.Lock()
	defer g.ctl.Unlock()
	s := g.sched.Load().next(g.clock.Now(), g.started)
	if err := edit(s); err != nil {
		return err
	}
	g.sched.Store(s)
	select {
	case g.wake <- struct{}{}:
	default:
	}
	return nil
}

// Pause stops scheduling records until Resume; the shape's clock stops too. Records already
// due when Pause is called are still handled.
func (g *Generator) Pause() {
	_ = g.change(func(s *schedule) error { s.paused = true; return nil })
}

// Resume continues after Pause from where the shape stopped.
func (g *Generator) Resume() {
	_ = g.change(func(s *schedule) error { s.paused = false; return nil })
}

// SetRate replaces the shape with a constant rate, in records/s.
func (g *Generator) SetRate(rate float64) error {
	p, err := Constant(rate)
	if err != nil {
		return fmt.Errorf("workload: set rate: %w", err)
	}
	return g.SetShape(p)
}

// SetShape replaces the shape; the new one starts from its own beginning now (a ramp starts at
// its FROM rate).
func (g *Generator) SetShape(p Pacer) error {
	if p == nil {
		return fmt.Errorf("workload: set shape: nil pacer")
	}
	return g.change(func(s *schedule) error { s.withShape(p); return nil })
}

// MultiplyRate scales the current shape by m from now on (2 doubles the rate, 0.5 halves it);
// the shape keeps its course. The scaled rate may not pass MaxRate.
func (g *Generator) MultiplyRate(m float64) error {
	if math.IsNaN(m) || math.IsInf(m, 0) || m <= 0 {
		// 0 would be a dead end (every later factor multiplies 0): Pause or SetRate instead.
		return fmt.Errorf("workload: multiply rate by %s: want a finite factor > 0", fmtFloat(m))
	}
	return g.change(func(s *schedule) error {
		if r := s.currentRate() * m; r > MaxRate {
			return fmt.Errorf("workload: multiply rate by %s: %s records/s is over the %d limit", fmtFloat(m), fmtFloat(r), MaxRate)
		}
		s.mult *= m
		return nil
	})
}

// SetKeys switches the partition-key strategy.
func (g *Generator) SetKeys(k KeySpec) error { return g.src.SetKeys(k) }

// SetHotFraction gives the key "hot" fraction f of the records (see Source.SetHotFraction).
func (g *Generator) SetHotFraction(f float64) error { return g.src.SetHotFraction(f) }

// SetSizes switches the record-size distribution.
func (g *Generator) SetSizes(z SizeSpec) error { return g.src.SetSizes(z) }

// SetShards gives the stream's current open shards (see Source.SetShards).
func (g *Generator) SetShards(shards []ShardRange) error { return g.src.SetShards(shards) }

// TopKeys returns up to n of the most used keys of the current strategy.
func (g *Generator) TopKeys(n int) []KeyShare { return g.src.TopKeys(n) }
