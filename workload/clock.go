package workload

import "time"

// Clock is the generator's only source of time, so tests can drive the schedule exactly with a
// FakeClock. Implementations must be safe for concurrent use.
type Clock interface {
	Now() time.Time
	// NewTimer returns a stopped-or-armed timer that fires once, d after now.
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer the generator needs: it waits on C while also watching
// for control changes and cancellation, so it cannot simply sleep.
type Timer interface {
	C() <-chan time.Time
	// Reset re-arms the timer to fire d after now; a stale tick is never delivered after it.
	Reset(d time.Duration)
	// Stop disarms the timer.
	Stop()
}

// SystemClock reads the wall clock and uses runtime timers.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (SystemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

// systemTimer relies on Go ≥ 1.23 timer semantics: Reset and Stop discard a pending tick.
type systemTimer struct{ t *time.Timer }

func (s systemTimer) C() <-chan time.Time   { return s.t.C }
func (s systemTimer) Reset(d time.Duration) { s.t.Reset(d) }
func (s systemTimer) Stop()                 { s.t.Stop() }
