package workload

import (
	"context"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// recSink records what it receives and when (by its clock).
type recSink struct {
	clock Clock
	mu    sync.Mutex
	recs  []Record
	at    []time.Time
	// block, when set, is consulted before accepting record index len(recs): if it returns a
	// channel, Emit signals on blocked and waits for that channel to close.
	block   func(i int) chan struct{}
	blocked chan int
}

func (s *recSink) Emit(ctx context.Context, r Record) error {
	s.mu.Lock()
	i := len(s.recs)
	var wait chan struct{}
	if s.block != nil {
		wait = s.block(i)
	}
	s.mu.Unlock()
	if wait != nil {
		s.blocked <- i
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	s.recs = append(s.recs, r)
	s.at = append(s.at, s.clock.Now())
	s.mu.Unlock()
	return nil
}

func (s *recSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recs)
}

func (s *recSink) records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.recs...)
}

// harness runs a generator on a FakeClock.
type harness struct {
	t     *testing.T
	clock *FakeClock
	sink  *recSink
	gen   *Generator
	ctx   context.Context
	done  chan error
}

func startGen(t *testing.T, spec Spec, shards ...ShardRange) *harness {
	t.Helper()
	clock := NewFakeClock(t0)
	sink := &recSink{clock: clock, blocked: make(chan int, 1)}
	g, err := New(Config{PacingQuantum: time.Millisecond, Spec: spec, Sink: sink, Clock: clock, Shards: shards})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return runGen(t, g, clock, sink)
}

func runGen(t *testing.T, g *Generator, clock *FakeClock, sink *recSink) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	h := &harness{t: t, clock: clock, sink: sink, gen: g, ctx: ctx, done: make(chan error, 1)}
	go func() { h.done <- g.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-h.done
	})
	return h
}

// settle waits until the generator has seen the latest control change and sleeps on its timer
// again: it has handled everything due.
func (h *harness) settle() {
	h.t.Helper()
	for h.gen.observed.Load() != h.gen.sched.Load() {
		select {
		case <-h.ctx.Done():
			h.t.Fatal("generator never picked up the latest change")
		case <-time.After(50 * time.Microsecond):
		}
	}
	if err := h.clock.AwaitTimers(h.ctx, 1); err != nil {
		h.t.Fatalf("generator never went back to sleep: %v", err)
	}
}

// advance moves the fake clock in small steps (so every step's batch is handled) and settles.
func (h *harness) advance(d, step time.Duration) {
	h.t.Helper()
	for d > 0 {
		s := min(step, d)
		h.clock.Advance(s)
		h.settle()
		d -= s
	}
}

func mustShape(t testing.TB, s string) Pacer {
	t.Helper()
	p, err := ParseShape(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustKeys(t testing.TB, s string) KeySpec {
	t.Helper()
	k, err := ParseKeys(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
