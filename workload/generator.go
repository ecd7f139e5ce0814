package workload

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Config is what a Generator needs.
type Config struct {
	Spec Spec
	// Sink receives the records.
	Sink Sink
	// Clock is the time source; nil means SystemClock. Tests pass a *FakeClock.
	Clock Clock
	// Shards is the stream's open shards, needed by the ehk and shard key strategies; keep it
	// current with SetShards.
	Shards []ShardRange
	// PacingQuantum is the least time between two timer wake-ups of the send loop (see
	// pacingQuantum); 0 means 4 ms. It is at most half Spec.LateAfter whatever it says.
	// Tests that step a FakeClock by the millisecond set it to a millisecond.
	PacingQuantum time.Duration
}

// Generator sends records to a sink on the schedule of its spec's shape (open model: records
// are due by the clock whatever the sink does), and takes live changes from any goroutine:
// see control.go. Run drives it; Stats reports.
type Generator struct {
	spec    Spec
	sink    Sink
	try     TrySink      // nil unless the sink has TryEmit and backpressure is auto
	tryAt   TimedTrySink // try, if it also has TryEmitAt; else nil
	clock   Clock
	src     *Source
	quantum time.Duration // Config.PacingQuantum, or pacingQuantum

	ctl     sync.Mutex // serialises control changes
	started bool       // guarded by ctl
	sched   atomic.Pointer[schedule]
	wake    chan struct{} // nudges Run when the schedule changes
	running atomic.Bool
	// observed is the schedule Run last worked from; tests wait for it to catch up with sched.
	observed atomic.Pointer[schedule]
	// done is set when Run returns, with the active time it ran: Stats stops the clock there.
	done      atomic.Bool
	doneAfter atomic.Int64

	c counters
	// pend holds the counts of records handed over since Run last added them to c (see
	// publish); Run's goroutine only.
	pend pendingCounts
}

// New checks cfg and builds a generator, reading any payload file now.
func New(cfg Config) (*Generator, error) {
	if cfg.Sink == nil {
		return nil, errors.New("workload: no sink")
	}
	spec := cfg.Spec.withDefaults()
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	pacer, err := spec.pacer()
	if err != nil {
		return nil, fmt.Errorf("workload: %w", &FieldError{Field: "shape", Err: err})
	}
	src, err := NewSource(spec, cfg.Shards)
	if err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	spec.Seed = src.Seed()
	if cfg.PacingQuantum < 0 {
		return nil, fmt.Errorf("workload: pacing quantum %s: want 0 (the default) or more", cfg.PacingQuantum)
	}
	g := &Generator{spec: spec, sink: cfg.Sink, clock: cfg.Clock, src: src, wake: make(chan struct{}, 1), quantum: pacingQuantum}
	if cfg.PacingQuantum > 0 {
		g.quantum = cfg.PacingQuantum
	}
	if g.clock == nil {
		g.clock = SystemClock{}
	}
	if ts, ok := cfg.Sink.(TrySink); ok && spec.Backpressure == BackpressureAuto {
		g.try = ts
		g.tryAt, _ = ts.(TimedTrySink)
	}
	g.sched.Store(&schedule{pacer: pacer, mult: 1})
	return g, nil
}

// Seed is the seed in use (picked at random when the spec's was 0): give it back in a spec to
// repeat the run's records.
func (g *Generator) Seed() uint64 { return g.spec.Seed }

// Run sends records until the spec's Duration has run (returns nil), ctx ends (returns
// ctx.Err()) or the sink fails with an error other than ErrSinkFull (returns it, wrapped).
// A generator runs once.
func (g *Generator) Run(ctx context.Context) error {
	if !g.running.CompareAndSwap(false, true) {
		return errors.New("workload: generator already ran")
	}
	g.ctl.Lock()
	first := *g.sched.Load()
	first.wall = g.clock.Now()
	g.sched.Store(&first)
	g.started = true
	g.ctl.Unlock()

	w := &waiter{clock: g.clock, wake: g.wake}
	defer func() {
		w.stop()
		g.publish()
		g.doneAfter.Store(int64(g.sched.Load().activeAt(g.clock.Now())))
		g.done.Store(true)
	}()
	dur := g.spec.Duration
	quantum := min(g.quantum, g.spec.LateAfter/2)
	var (
		n       uint64 // index of the next record
		last    *schedule
		maxSeen time.Duration
		woke    time.Time // when the timer last woke the loop
		// now is the loop's latest reading of the clock, taken fresh reads ago (see
		// clockReuse); stale forces a new reading. nowOff is now less last.wall: records are
		// timed by their offsets from their segment's start (see schedule.dueOffset).
		now    time.Time
		nowOff time.Duration
		fresh  int
	)
	const stale = clockReuse
	fresh = stale
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		s := g.sched.Load()
		if s != last {
			g.observed.Store(s)
			last = s
			nowOff = now.Sub(s.wall)
		}
		a, off, ok := s.dueOffset(float64(n))
		if !ok || (dur > 0 && a >= dur) {
			// Nothing more is due before the end (or ever, under these settings): wait for the
			// end of the run or for a change.
			var end time.Time
			if dur > 0 && !s.paused {
				end = s.wallAt(max(dur, s.segA))
			}
			g.publish()
			reached, err := w.until(ctx, end)
			if err != nil {
				return err
			}
			if reached && g.sched.Load() == s {
				return nil
			}
			fresh = stale
			continue
		}
		if fresh >= stale || off > nowOff {
			g.publish() // before any wait, and at least every clockReuse records
			now, fresh = g.clock.Now(), 0
			nowOff = now.Sub(s.wall)
		}
		if off > nowOff {
			// A timer wake-up costs the scheduler more than a record costs to build, so at high
			// rates the loop sleeps at least a quantum after its last wake-up and then hands over
			// everything due meanwhile: no record is handed over more than the quantum after
			// its time because of it, and the quantum is below LateAfter.
			at := s.wall.Add(off)
			if next := woke.Add(quantum); next.After(at) {
				at = next
			}
			fired, err := w.until(ctx, at)
			if err != nil {
				return err
			}
			fresh = stale
			if fired {
				woke = g.clock.Now()
				now, fresh = woke, 0
				nowOff = now.Sub(s.wall)
			}
			continue // recheck: the schedule may have changed while waiting
		}
		lag := nowOff - off
		g.pend.lag, g.pend.lagSet = lag, true
		if lag > maxSeen {
			maxSeen = lag
			g.c.maxLag.Store(int64(lag))
		}
		if lag > g.spec.MaxLag {
			n = g.dropBehind(s, n, now)
			continue
		}
		var due time.Time // only payloads that print it need it (Source.usesDue)
		if g.src.usesDue {
			due = s.wall.Add(off)
		}
		if err := g.handOver(ctx, g.src.Next(n, due), now, lag); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("workload: sink refused record %d: %w", n, err)
		}
		n++
		fresh++
		if g.try == nil {
			fresh = stale // Emit may have blocked for any time
		}
	}
}

// clockReuse is how many records in a row the send loop hands over on one reading of the
// clock when it uses TryEmit (which does not block): a reading per record cost as much as a
// fifth of building the record, and the generator hands its records over in bursts (one per
// wake-up, see pacingQuantum). A record's lag (and so lateness) is measured against that
// reading, so it reads short by at most the time the records before it in the run of
// clockReuse took to hand over: microseconds, where LateAfter is milliseconds. A record due
// after the reading, a wait and a blocking Emit always take a new reading.
const clockReuse = 16

// pacingQuantum is the least time between two timer wake-ups of the send loop (less when
// Spec.LateAfter is below twice as much): at 100,000 records/s a wake-up per record cost more
// CPU than building the records (BenchmarkPacedCPU), and on this project's 2-core virtual
// machine a wake-up a millisecond still cost about 12% of a producer process offered 116,000
// records/s (bench cell 1p-100b: 4.25 → 3.7 CPU s per million records delivered, median of
// four runs each, 1 ms → 4 ms). Records are handed over up to a quantum after their time, in
// order; DefaultLateAfter is 10 ms.
const pacingQuantum = 4 * time.Millisecond

// handOver gives one record to the sink at now (the loop's reading of the clock) and counts
// the outcome; it returns an error only when Run must stop.
func (g *Generator) handOver(ctx context.Context, r Record, now time.Time, lag time.Duration) error {
	p := &g.pend
	p.scheduled++
	var err error
	switch {
	case g.tryAt != nil:
		err = g.tryAt.TryEmitAt(r, now)
	case g.try != nil:
		err = g.try.TryEmit(r)
	default:
		g.publish() // Emit may block for any time: Stats counts the record meanwhile
		err = g.sink.Emit(ctx, r)
	}
	switch {
	case err == nil:
		p.emitted++
		p.emittedBytes += uint64(len(r.Data) + len(r.PartitionKey))
		if lag > g.spec.LateAfter {
			p.late++
		}
		return nil
	case errors.Is(err, ErrSinkFull):
		p.droppedFull++
		g.src.recycle(r.Data) // refused: the sink did not keep it
		return nil
	}
	p.failed++
	return err
}

// pendingCounts are the counts of records handed over that Stats does not show yet.
type pendingCounts struct {
	scheduled, emitted, emittedBytes, late, droppedFull, failed uint64
	lag                                                         time.Duration
	lagSet                                                      bool
}

// publish adds the pending counts to the ones Stats reads. The send loop counts its records
// in plain fields and publishes them before it waits or blocks, and on every reading of the
// clock (at least every clockReuse records handed over with TryEmit): an atomic add per
// counter per record was 5 locked instructions a record, about 50 ns on this project's VM.
// Scheduled is added first, so a snapshot never shows more outcomes than scheduled records.
func (g *Generator) publish() {
	p := &g.pend
	if p.scheduled != 0 {
		g.c.scheduled.Add(p.scheduled)
	}
	if p.emitted != 0 {
		g.c.emitted.Add(p.emitted)
		g.c.emittedBytes.Add(p.emittedBytes)
	}
	if p.late != 0 {
		g.c.late.Add(p.late)
	}
	if p.droppedFull != 0 {
		g.c.droppedFull.Add(p.droppedFull)
	}
	if p.failed != 0 {
		g.c.failed.Add(p.failed)
	}
	if p.lagSet {
		g.c.lag.Store(int64(p.lag))
	}
	*p = pendingCounts{}
}

// waiter sleeps on one reusable timer while watching for schedule changes and cancellation.
type waiter struct {
	clock Clock
	wake  <-chan struct{}
	timer Timer
}

// until blocks until the clock reaches at (zero: no deadline), the schedule changes, or ctx
// ends. It reports whether the deadline was reached.
func (w *waiter) until(ctx context.Context, at time.Time) (bool, error) {
	var tick <-chan time.Time
	if !at.IsZero() {
		d := at.Sub(w.clock.Now())
		if d <= 0 {
			return true, nil
		}
		if w.timer == nil {
			w.timer = w.clock.NewTimer(d)
		} else {
			w.timer.Reset(d)
		}
		tick = w.timer.C()
	}
	select {
	case <-tick:
		return true, nil
	case <-w.wake:
		w.stop()
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// dropBehind skips, in one step, every record from n on that was due more than MaxLag before
// now (at least record n, which the caller found that late), so a long stall costs one
// computation rather than one per record. It returns the next record's index.
func (g *Generator) dropBehind(s *schedule, n uint64, now time.Time) uint64 {
	g.publish()
	m := n + 1
	// Records i < h were due before the cut, so more than MaxLag ago.
	if h := math.Ceil(s.hitsAtWall(now.Add(-g.spec.MaxLag))); h > float64(m) && h < math.MaxUint64/2 {
		m = uint64(h)
	}
	if dur := g.spec.Duration; dur > 0 {
		// Only records due before the end belong to the run: those below ceil(hits(end)).
		if last := math.Ceil(s.hits(max(dur, s.segA))); last < float64(m) {
			m = max(n+1, uint64(last))
		}
	}
	g.c.scheduled.Add(m - n)
	g.c.droppedBehind.Add(m - n)
	return m
}

// Stats returns a snapshot of the counters and settings.
func (g *Generator) Stats() Stats {
	s := g.sched.Load()
	now := g.clock.Now()
	a := time.Duration(0)
	done := g.done.Load()
	switch {
	case done:
		a = time.Duration(g.doneAfter.Load())
	case g.running.Load() && !s.wall.IsZero():
		a = s.activeAt(now)
	}
	// Outcomes are read before Scheduled (which the loop bumps first) so that a snapshot never
	// shows more outcomes than scheduled records.
	st := Stats{
		Emitted:       g.c.emitted.Load(),
		EmittedBytes:  g.c.emittedBytes.Load(),
		Late:          g.c.late.Load(),
		DroppedBehind: g.c.droppedBehind.Load(),
		DroppedFull:   g.c.droppedFull.Load(),
		Failed:        g.c.failed.Load(),
		Lag:           time.Duration(g.c.lag.Load()),
		MaxLag:        time.Duration(g.c.maxLag.Load()),
		Done:          done,
		Paused:        s.paused,
		Elapsed:       a,
		Shape:         s.describe(),
		Keys:          g.src.Keys().String(),
		Size:          g.src.Sizes().String(),
		Payload:       g.src.Payload().String(),
		Seed:          g.spec.Seed,
	}
	if !done {
		st.TargetRate = s.rate(a)
	}
	st.Scheduled = g.c.scheduled.Load()
	st.Dropped = st.DroppedBehind + st.DroppedFull
	return st
}
