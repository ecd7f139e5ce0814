package producer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

var errGateClosed = errors.New("producer: closing")

// bufferGate bounds what the producer holds: user records and their bytes, from Put until they
// resolve. The fast path is two atomic adds; waiters park on a channel that is closed whenever
// space is released, so Put can also give up on its context.
type bufferGate struct {
	records, bytes       atomic.Int64
	maxRecords, maxBytes atomic.Int64
	waiters              atomic.Int32

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every release while someone waits
}

func (g *bufferGate) init() { g.changed = make(chan struct{}) }

func (g *bufferGate) setLimits(records, bytes int64) {
	g.maxRecords.Store(records)
	g.maxBytes.Store(bytes)
	g.broadcast()
}

// tryAcquire takes room for one record of size bytes. A record larger than the whole byte
// bound is let in when nothing else is buffered, so it can never wait forever. The record slot
// is taken by compare-and-swap; the byte count may overshoot its bound by what concurrent Puts
// add in the same instant, never more.
func (g *bufferGate) tryAcquire(size int64) bool {
	for {
		r, b := g.records.Load(), g.bytes.Load()
		if !g.fits(r, b, size) {
			return false
		}
		if g.records.CompareAndSwap(r, r+1) {
			g.bytes.Add(size)
			return true
		}
	}
}

// hasRoom says whether tryAcquire(size) would succeed now, taking nothing: TryPut refuses a
// record on a full buffer before paying for its hash key.
func (g *bufferGate) hasRoom(size int64) bool { return g.fits(g.records.Load(), g.bytes.Load(), size) }

// under says whether the buffer holds fewer than bytes bytes and (unless records is negative)
// fewer than records records: every part of it then does too.
func (g *bufferGate) under(bytes, records int64) bool {
	return g.bytes.Load() < bytes && (records < 0 || g.records.Load() < records)
}

// fits says whether one more record of size bytes fits beside r records of b bytes.
func (g *bufferGate) fits(r, b, size int64) bool {
	return r+1 <= g.maxRecords.Load() && (r == 0 || b+size <= g.maxBytes.Load())
}

// acquire takes room for one record of size bytes, waiting for it until ctx is done or stop
// closes. It tries once before registering as a waiter: waitUntil's lock and waiter count cost
// every Put two lock operations and two atomic adds more (8 % of the engine's time at 100 bytes).
func (g *bufferGate) acquire(ctx context.Context, size int64, stop <-chan struct{}) error {
	if g.tryAcquire(size) {
		return nil
	}
	return g.waitUntil(ctx, stop, func() bool { return g.tryAcquire(size) })
}

// waitUntil waits until cond holds, re-checking whenever space is released; it gives up when
// ctx is done or stop closes.
func (g *bufferGate) waitUntil(ctx context.Context, stop <-chan struct{}, cond func() bool) error {
	for {
		g.mu.Lock()
		ch := g.changed
		g.waiters.Add(1) // before checking, so a release in between closes ch
		g.mu.Unlock()
		ok := cond()
		if !ok {
			select {
			case <-ch:
			case <-ctx.Done():
				g.waiters.Add(-1)
				return ctx.Err()
			case <-stop:
				g.waiters.Add(-1)
				return errGateClosed
			}
		}
		g.waiters.Add(-1)
		if ok {
			return nil
		}
	}
}

func (g *bufferGate) release(records, bytes int64) {
	g.records.Add(-records)
	g.bytes.Add(-bytes)
	if g.waiters.Load() > 0 {
		g.broadcast()
	}
}

func (g *bufferGate) broadcast() {
	g.mu.Lock()
	close(g.changed)
	g.changed = make(chan struct{})
	g.mu.Unlock()
}

// waitEmpty waits until nothing is buffered.
func (g *bufferGate) waitEmpty(ctx context.Context) error {
	return g.waitUntil(ctx, nil, func() bool { return g.records.Load() == 0 })
}

// slotPool counts PutRecords requests in flight against MaxConnections and their bytes against
// MaxRequestBytesInFlight (either may change while running). The dispatcher never blocks on it:
// no free slot means "send later".
type slotPool struct {
	mu    sync.Mutex
	inUse int
	bytes int64 // of the requests in flight, as collector batches count them
	wg    sync.WaitGroup
}

// tryAcquire takes a slot for a request of size bytes: one of limit connections, and room
// within budget bytes beside those in flight. A request larger than budget is let through when
// nothing else is in flight, so it cannot wait forever.
func (s *slotPool) tryAcquire(limit int, size, budget int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inUse >= limit || s.inUse > 0 && s.bytes+size > budget {
		return false
	}
	s.inUse++
	s.bytes += size
	s.wg.Add(1)
	return true
}

// room is how many bytes a request may have now to fit beside those in flight within budget.
func (s *slotPool) room(budget int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return budget - s.bytes
}

// release gives back the slot of a request of size bytes.
func (s *slotPool) release(size int64) {
	s.mu.Lock()
	s.inUse--
	s.bytes -= size
	s.mu.Unlock()
	s.wg.Done()
}

func (s *slotPool) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inUse
}

func (s *slotPool) wait() { s.wg.Wait() }
