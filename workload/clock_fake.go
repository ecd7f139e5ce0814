package workload

import (
	"context"
	"sync"
	"time"
)

// FakeClock is a Clock that only moves when told to, for exact tests of schedules (here and in
// packages that wire the generator). Timers fire during Advance/Set when their deadline is
// reached. Safe for concurrent use.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  map[*fakeTimer]struct{} // armed timers
	changed chan struct{}           // closed and replaced whenever the set of armed timers changes
}

// NewFakeClock returns a FakeClock reading start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, timers: map[*fakeTimer]struct{}{}, changed: make(chan struct{})}
}

// Now returns the clock's reading.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer firing when the clock reaches now+d.
func (c *FakeClock) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{clock: c, ch: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// Advance moves the clock forward by d (negative d is ignored) and fires due timers.
func (c *FakeClock) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	c.mu.Lock()
	c.setLocked(c.now.Add(d))
	c.mu.Unlock()
}

// Set moves the clock to t if t is later than its reading, firing due timers.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.setLocked(t)
	}
	c.mu.Unlock()
}

func (c *FakeClock) setLocked(t time.Time) {
	c.now = t
	fired := false
	for tm := range c.timers {
		if !tm.deadline.After(t) {
			delete(c.timers, tm)
			tm.fire(t)
			fired = true
		}
	}
	if fired {
		c.notifyLocked()
	}
}

func (c *FakeClock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Timers returns how many timers are armed.
func (c *FakeClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NextDeadline returns the earliest armed timer's deadline; ok is false when none is armed.
func (c *FakeClock) NextDeadline() (deadline time.Time, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for tm := range c.timers {
		if !ok || tm.deadline.Before(deadline) {
			deadline, ok = tm.deadline, true
		}
	}
	return deadline, ok
}

// AwaitTimers blocks until at least n timers are armed (a goroutine under test has gone to
// sleep) or ctx is done.
func (c *FakeClock) AwaitTimers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		armed, ch := len(c.timers), c.changed
		c.mu.Unlock()
		if armed >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

type fakeTimer struct {
	clock    *FakeClock
	ch       chan time.Time
	deadline time.Time // guarded by clock.mu
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) fire(now time.Time) {
	select {
	case t.ch <- now:
	default:
	}
}

func (t *fakeTimer) Reset(d time.Duration) {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	t.drain()
	t.deadline = c.now.Add(d)
	if d <= 0 {
		delete(c.timers, t)
		t.fire(c.now)
	} else {
		c.timers[t] = struct{}{}
	}
	c.notifyLocked()
}

func (t *fakeTimer) Stop() {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	t.drain()
	if _, ok := c.timers[t]; ok {
		delete(c.timers, t)
		c.notifyLocked()
	}
}

// drain discards a tick not yet received, matching Go ≥ 1.23 *time.Timer semantics.
func (t *fakeTimer) drain() {
	select {
	case <-t.ch:
	default:
	}
}
