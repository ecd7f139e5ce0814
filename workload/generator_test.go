package workload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// constSpec is a constant-rate spec for tests that step the FakeClock up to 100 ms at a time:
// such steps make records up to 100 ms late by design, so lateness starts at 150 ms.
func constSpec(rate float64) Spec {
	s := DefaultSpec()
	s.Seed = 7
	s.Rate = rate
	s.LateAfter = 150 * time.Millisecond
	s.MaxLag = time.Hour
	return s
}

func TestSetRateTakesEffectOnNextRecord(t *testing.T) {
	h := startGen(t, constSpec(1)) // one record per second
	h.settle()
	if n := h.sink.count(); n != 1 {
		t.Fatalf("at start: %d records, want the first one", n)
	}
	if d, _ := h.clock.NextDeadline(); d != t0.Add(time.Second) {
		t.Fatalf("next record at %s, want 1s", d.Sub(t0))
	}
	h.clock.Advance(500 * time.Millisecond)
	if err := h.gen.SetRate(1000); err != nil {
		t.Fatal(err)
	}
	h.settle()
	// Half a record was due at the old rate; the other half takes 0.5 ms at the new one.
	if d, _ := h.clock.NextDeadline(); d != t0.Add(500500*time.Microsecond) {
		t.Fatalf("after SetRate(1000) at 0.5s the next record is due at %s, want 500.5ms", d.Sub(t0))
	}
	h.advance(100*time.Millisecond, time.Millisecond)
	if n := h.sink.count(); n < 100 || n > 102 {
		t.Fatalf("100 ms at 1000/s gave %d records in all, want ~101", n)
	}
	if st := h.gen.Stats(); st.TargetRate != 1000 || st.Shape != "constant:1000" {
		t.Fatalf("stats after SetRate: rate %g shape %q", st.TargetRate, st.Shape)
	}
}

func TestMultiplyRateKeepsShape(t *testing.T) {
	spec := constSpec(0)
	spec.Shape = mustShape(t, "ramp:1000-2000:10s")
	h := startGen(t, spec)
	h.settle()
	h.advance(5*time.Second, 100*time.Millisecond)
	if err := h.gen.MultiplyRate(2); err != nil {
		t.Fatal(err)
	}
	if st := h.gen.Stats(); st.TargetRate != 3000 || st.Shape != "ramp:1000-2000:10s ×2" {
		t.Fatalf("ramp at 1500/s ×2: target %g (want 3000), shape %q", st.TargetRate, st.Shape)
	}
	before := h.sink.count()
	h.advance(time.Second, 10*time.Millisecond)
	// ∫ 2·(1500 + 100t) over one second = 3100.
	if got := h.sink.count() - before; got < 3095 || got > 3105 {
		t.Fatalf("one second after ×2: %d records, want ~3100", got)
	}
	if err := h.gen.MultiplyRate(0); err == nil {
		t.Fatal("MultiplyRate(0) must be refused (use Pause)")
	}
	if err := h.gen.MultiplyRate(1e9); err == nil {
		t.Fatal("a factor taking the rate past MaxRate must be refused")
	}
}

// In a synctest bubble, so synctest.Wait can tell when a wrongly running loop has had every
// chance to send.
func TestPauseResumeFreezesShapeClock(t *testing.T) {
	synctest.Test(t, testPauseResumeFreezesShapeClock)
}

func testPauseResumeFreezesShapeClock(t *testing.T) {
	spec := constSpec(0)
	spec.Shape = mustShape(t, "ramp:0-1000:10s")
	h := startGen(t, spec)
	h.settle()
	h.advance(5*time.Second, 100*time.Millisecond)
	n := h.sink.count()
	h.gen.Pause()
	st := h.gen.Stats()
	if !st.Paused || st.TargetRate != 0 || st.Elapsed != 5*time.Second {
		t.Fatalf("paused stats: %+v", st)
	}
	h.clock.Advance(time.Hour)
	synctest.Wait() // every goroutine blocked: a wrongly running loop has sent what it would
	if got := h.sink.count(); got != n {
		t.Fatalf("%d records sent while paused", got-n)
	}
	h.gen.Resume()
	if st := h.gen.Stats(); st.TargetRate != 500 {
		t.Fatalf("after resume the ramp must be where it stopped (500/s), got %g", st.TargetRate)
	}
	h.settle()
	h.advance(time.Second, 10*time.Millisecond)
	// ∫ 500 + 100t over one second = 550.
	if got := h.sink.count() - n; got < 548 || got > 552 {
		t.Fatalf("one second after resume: %d records, want ~550", got)
	}
	if st := h.gen.Stats(); st.Late != 0 || st.Dropped != 0 {
		t.Fatalf("a pause must not count as lateness: %+v", st)
	}
}

func TestStartPaused(t *testing.T) { synctest.Test(t, testStartPaused) }

func testStartPaused(t *testing.T) {
	clock := NewFakeClock(t0)
	sink := &recSink{clock: clock}
	g, err := New(Config{PacingQuantum: time.Millisecond, Spec: constSpec(100), Sink: sink, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	g.Pause()
	h := runGen(t, g, clock, sink)
	h.clock.Advance(time.Second)
	synctest.Wait() // as in testPauseResumeFreezesShapeClock
	if n := sink.count(); n != 0 {
		t.Fatalf("started paused, yet sent %d records", n)
	}
	g.Resume()
	h.settle()
	if n := sink.count(); n != 1 {
		t.Fatalf("after resume: %d records, want the first", n)
	}
}

func TestLiveKeyAndSizeChangesApplyToNextRecord(t *testing.T) {
	spec := constSpec(1000)
	spec.Size = SizeSpec{Kind: SizesFixed, Size: 100}
	h := startGen(t, spec)
	h.settle()
	h.advance(10*time.Millisecond, time.Millisecond)
	n := h.sink.count()
	if err := h.gen.SetKeys(mustKeys(t, "pool:1")); err != nil {
		t.Fatal(err)
	}
	if err := h.gen.SetSizes(SizeSpec{Kind: SizesFixed, Size: 10}); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Millisecond, time.Millisecond)
	recs := h.sink.records()
	if len(recs) <= n {
		t.Fatal("no record after the change")
	}
	for i, r := range recs {
		wantKey, wantSize := i >= n, 10
		if !wantKey {
			wantSize = 100
		}
		if (r.PartitionKey == "key-1") != wantKey || len(r.Data) != wantSize {
			t.Fatalf("record %d (change before record %d): key %q, %d bytes", i, n, r.PartitionKey, len(r.Data))
		}
	}
	if err := h.gen.SetHotFraction(1); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Millisecond, time.Millisecond)
	if r := h.sink.records(); r[len(r)-1].PartitionKey != "hot" {
		t.Fatalf("after SetHotFraction(1) the next key is %q", r[len(r)-1].PartitionKey)
	}
	if st := h.gen.Stats(); st.Keys != "hot:1:pool:1" || st.Size != "10" {
		t.Fatalf("stats keys %q size %q", st.Keys, st.Size)
	}
}

// TestBlockedSinkCountsLateAndDropped blocks the sink for 500 ms at 1000 records/s: the
// schedule runs on, and once the sink takes records again the ones due within MaxLag (200 ms)
// go out late and the older ones are dropped — the generator does not quietly slow down.
func TestBlockedSinkCountsLateAndDropped(t *testing.T) {
	spec := constSpec(1000)
	spec.Backpressure = BackpressureBlock
	spec.LateAfter = 10 * time.Millisecond
	spec.MaxLag = 200 * time.Millisecond
	clock := NewFakeClock(t0)
	release := make(chan struct{})
	sink := &recSink{clock: clock, blocked: make(chan int, 1)}
	sink.block = func(i int) chan struct{} {
		if i == 100 {
			return release
		}
		return nil
	}
	g, err := New(Config{PacingQuantum: time.Millisecond, Spec: spec, Sink: sink, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := runGen(t, g, clock, sink)
	h.settle()
	h.advance(99*time.Millisecond, time.Millisecond) // records 0..99 go out on time
	h.clock.Advance(time.Millisecond)                // record 100 is due: the sink blocks on it
	<-sink.blocked
	h.clock.Advance(500 * time.Millisecond) // now 600 ms: records 101..600 fall due meanwhile
	close(release)
	h.settle()
	st := g.Stats()
	// Record 100 was handed over on time (it then blocked). At 600 ms, records due before
	// 400 ms (101..399) are more than 200 ms behind: dropped. Records 400..600 go out, those
	// more than 10 ms behind (400..589) late.
	if st.DroppedBehind != 299 || st.Dropped != 299 {
		t.Errorf("dropped %d (behind %d), want 299", st.Dropped, st.DroppedBehind)
	}
	if st.Late != 190 {
		t.Errorf("late %d, want 190", st.Late)
	}
	if st.Emitted != 101+201 || st.Scheduled != st.Emitted+st.Dropped+st.Failed {
		t.Errorf("emitted %d scheduled %d: want 302 and scheduled = emitted + dropped", st.Emitted, st.Scheduled)
	}
	if got := sink.count(); uint64(got) != st.Emitted {
		t.Errorf("sink got %d records, stats say %d", got, st.Emitted)
	}
}

// fullSink refuses every other record through TryEmit.
type fullSink struct {
	recSink
	tries atomic.Int64
}

func (s *fullSink) TryEmit(r Record) error {
	if s.tries.Add(1)%2 == 0 {
		return fmt.Errorf("buffer at 100%%: %w", ErrSinkFull)
	}
	return s.Emit(context.Background(), r)
}

func TestTryEmitFullCountsDropped(t *testing.T) {
	clock := NewFakeClock(t0)
	sink := &fullSink{recSink: recSink{clock: clock}}
	spec := constSpec(1000)
	spec.Duration = time.Second
	g, err := New(Config{PacingQuantum: time.Millisecond, Spec: spec, Sink: sink, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := runGen(t, g, clock, &sink.recSink)
	h.settle()
	h.advance(999*time.Millisecond, time.Millisecond)
	clock.Advance(time.Millisecond) // the end of the run
	if err := <-h.done; err != nil {
		t.Fatalf("Run after its duration: %v", err)
	}
	h.done <- nil // for the cleanup
	st := g.Stats()
	if st.Scheduled != 1000 || st.DroppedFull != 500 || st.Emitted != 500 || st.Dropped != 500 {
		t.Fatalf("stats %+v: want 1000 scheduled, half refused as full", st)
	}
}

// TestRefusedDataReuseLeavesKeptRecordsIntact: the generator fills a refused record's data again
// for a later record; the records the sink kept must still hold exactly what was generated for
// them, the same bytes as a fresh source of the seed gives, at fixed and varying sizes.
func TestRefusedDataReuseLeavesKeptRecordsIntact(t *testing.T) {
	for _, size := range []string{"100", "uniform:10-2000"} {
		clock := NewFakeClock(t0)
		sink := &fullSink{recSink: recSink{clock: clock}} // refuses every other record
		spec := constSpec(1000)
		spec.Duration = time.Second
		spec.Size, _ = ParseSize(size)
		g, err := New(Config{PacingQuantum: time.Millisecond, Spec: spec, Sink: sink, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		h := runGen(t, g, clock, &sink.recSink)
		h.settle()
		h.advance(990*time.Millisecond, 10*time.Millisecond)
		clock.Advance(10 * time.Millisecond) // the end of the run
		if err := <-h.done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		h.done <- nil // for the cleanup
		src, err := NewSource(spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]Record, 1000)
		for i := range want {
			want[i] = src.Next(uint64(i), t0)
		}
		got := sink.records()
		if len(got) != 500 {
			t.Fatalf("%s: sink kept %d records, want every other one of 1000", size, len(got))
		}
		for i, r := range got {
			if w := want[2*i]; r.PartitionKey != w.PartitionKey || !bytes.Equal(r.Data, w.Data) {
				t.Fatalf("%s: kept record %d (index %d) holds other bytes than generated for it", size, i, 2*i)
			}
		}
	}
}

func TestSinkErrorStopsRun(t *testing.T) {
	clock := NewFakeClock(t0)
	boom := errors.New("producer closed")
	sink := SinkFunc(func(context.Context, Record) error { return boom })
	g, err := New(Config{PacingQuantum: time.Millisecond, Spec: constSpec(10), Sink: sink, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want the sink's error", err)
	}
	if st := g.Stats(); st.Failed != 1 || st.Scheduled != 1 {
		t.Fatalf("stats %+v", st)
	}
	if err := g.Run(context.Background()); err == nil {
		t.Fatal("a second Run must fail")
	}
}

func TestDurationEndsRun(t *testing.T) {
	spec := constSpec(100)
	spec.Duration = 2 * time.Second
	h := startGen(t, spec)
	h.settle()
	h.advance(1990*time.Millisecond, 10*time.Millisecond) // the last record is due at 1.99 s
	h.clock.Advance(10 * time.Millisecond)                // the end
	select {
	case err := <-h.done:
		if err != nil {
			t.Fatal(err)
		}
		h.done <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end after its duration")
	}
	h.clock.Advance(time.Minute)
	if st := h.gen.Stats(); st.Scheduled != 200 || st.Emitted != 200 || !st.Done || st.Elapsed != 2*time.Second || st.TargetRate != 0 {
		t.Fatalf("2 s at 100/s: %+v, want exactly 200 records (t = 0 .. 1.99 s), done after 2 s", st)
	}
}

func TestSameSeedSameRecords(t *testing.T) {
	for _, c := range []struct{ keys, size, payload string }{
		{"random", "100", "random"},
		{"zipf:1.1:1000", "lognormal:500:300", "json"},
		{"hot:0.3:pool:50", "uniform:10-2000", "json"},
		{"ehk", "normal:300:50", "random"},
		{"seq", "auto", "json"},
	} {
		build := func(seed uint64) []Record {
			spec := DefaultSpec()
			spec.Seed = seed
			spec.Keys = mustKeys(t, c.keys)
			spec.Size, _ = ParseSize(c.size)
			spec.Payload, _ = ParsePayload(c.payload)
			src, err := NewSource(spec, EvenShards(4))
			if err != nil {
				t.Fatal(err)
			}
			out := make([]Record, 2000)
			for i := range out {
				out[i] = src.Next(uint64(i), t0.Add(time.Duration(i)*time.Millisecond))
			}
			return out
		}
		a, b, other := build(42), build(42), build(43)
		diff := 0
		for i := range a {
			if a[i].PartitionKey != b[i].PartitionKey || a[i].ExplicitHashKey != b[i].ExplicitHashKey || !bytes.Equal(a[i].Data, b[i].Data) {
				t.Fatalf("%v: seed 42 twice differs at record %d", c, i)
			}
			if a[i].PartitionKey != other[i].PartitionKey || !bytes.Equal(a[i].Data, other[i].Data) {
				diff++
			}
		}
		if diff < len(a)/2 {
			t.Errorf("%v: seeds 42 and 43 give %d different records of %d", c, diff, len(a))
		}
	}
}

func TestRandomSeedIsReported(t *testing.T) {
	spec := DefaultSpec() // Seed 0: pick one
	g, err := New(Config{Spec: spec, Sink: &recSink{clock: SystemClock{}}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Seed() == 0 || g.Stats().Seed != g.Seed() {
		t.Fatalf("seed %d, stats seed %d", g.Seed(), g.Stats().Seed)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{Spec: DefaultSpec()}); err == nil {
		t.Error("no sink accepted")
	}
	spec := DefaultSpec()
	spec.Keys = KeySpec{Kind: KeysEHK}
	_, err := New(Config{Spec: spec, Sink: &recSink{}})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "keys" {
		t.Errorf("ehk without shards: %v, want a keys error", err)
	}
}

// TestSystemClockSmoke runs briefly on the real clock; figures are logged, not asserted.
func TestSystemClockSmoke(t *testing.T) {
	spec := constSpec(5000)
	spec.Duration = 200 * time.Millisecond
	sink := &recSink{clock: SystemClock{}}
	g, err := New(Config{Spec: spec, Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := g.Stats()
	if st.Scheduled != st.Emitted+st.Dropped || st.Emitted == 0 || uint64(sink.count()) != st.Emitted {
		t.Fatalf("stats %+v, sink got %d", st, sink.count())
	}
	t.Logf("real clock, 200 ms at 5000/s: scheduled %d emitted %d late %d dropped %d", st.Scheduled, st.Emitted, st.Late, st.Dropped)
}

// slowTimedSink takes every record through TryEmitAt, noting the hand-over time it was given and
// the clock's time at the call, and moves the clock on by cost per record: a sink that takes
// that long to accept one.
type slowTimedSink struct {
	recSink
	clock       *FakeClock
	cost        time.Duration
	given, real []time.Time
}

func (s *slowTimedSink) TryEmit(r Record) error { return s.TryEmitAt(r, time.Time{}) }

func (s *slowTimedSink) TryEmitAt(r Record, now time.Time) error {
	s.given = append(s.given, now)
	s.real = append(s.real, s.clock.Now())
	s.clock.Advance(s.cost)
	return s.Emit(context.Background(), r)
}

// TestTimedSinkGetsTheHandOverTime: a TimedTrySink is given the generator's reading of the
// clock, never after the hand-over and behind it by at most 16 records' hand-over time, and the
// generator's lateness is measured against that same reading.
func TestTimedSinkGetsTheHandOverTime(t *testing.T) {
	clock := NewFakeClock(t0)
	// Each hand-over takes 2 ms at 1000 records/s: the loop falls further behind with each
	// record, handing over the records already due in a row.
	const cost = 2 * time.Millisecond
	sink := &slowTimedSink{recSink: recSink{clock: clock}, clock: clock, cost: cost}
	spec := constSpec(1000)
	spec.Duration = time.Second
	spec.LateAfter = 20 * time.Millisecond
	g, err := New(Config{PacingQuantum: time.Millisecond, Spec: spec, Sink: sink, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.given) != 1000 {
		t.Fatalf("sink got %d records, want 1000", len(sink.given))
	}
	var late uint64
	for i, now := range sink.given {
		if behind := sink.real[i].Sub(now); now.IsZero() || behind < 0 || behind >= clockReuse*cost {
			t.Fatalf("record %d: handed over at %v with the time %v: want at most %d records' time (%v each) before",
				i, sink.real[i].Sub(t0), now.Sub(t0), clockReuse, cost)
		}
		if due := t0.Add(time.Duration(i) * time.Millisecond); now.Sub(due) > spec.LateAfter {
			late++
		}
	}
	if st := g.Stats(); st.Late != late || st.Emitted != 1000 {
		t.Fatalf("emitted %d, late %d: want 1000, %d late by the times the sink was given", st.Emitted, st.Late, late)
	}
}

// TestDefaultPacingQuantum: with the default quantum (4 ms) the send loop wakes at most once a
// quantum at 1000 records/s, and every record still goes out, in order, never early and at
// most a quantum after its time.
func TestDefaultPacingQuantum(t *testing.T) {
	clock := NewFakeClock(t0)
	sink := &recSink{clock: clock, blocked: make(chan int, 1)}
	g, err := New(Config{Spec: constSpec(1000), Sink: sink, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := runGen(t, g, clock, sink)
	h.settle()
	h.advance(100*time.Millisecond, time.Millisecond)
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if n := len(sink.recs); n < 97 || n > 101 {
		t.Fatalf("%d records handed over in 100 ms at 1000/s", n)
	}
	wakes := map[time.Time]bool{}
	for i, at := range sink.at {
		due := t0.Add(time.Duration(i) * time.Millisecond)
		if late := at.Sub(due); late < 0 || late > pacingQuantum {
			t.Fatalf("record %d due at +%s handed over at +%s", i, due.Sub(t0), at.Sub(t0))
		}
		wakes[at] = true
	}
	if len(wakes) > 100/4+1 {
		t.Fatalf("the loop handed records over at %d distinct times in 100 ms: more than once a quantum", len(wakes))
	}
}

// TestJSONTimestampIsTheScheduledTime: a JSON payload's {{unix_ms}} is the record's scheduled
// time, before and after a rate change, not the time it was built.
func TestJSONTimestampIsTheScheduledTime(t *testing.T) {
	spec := constSpec(100)
	spec.Payload = PayloadSpec{Kind: PayloadJSON, Template: `{"seq":{{seq}},"ms":{{unix_ms}}}`}
	h := startGen(t, spec)
	h.settle()
	h.advance(time.Second, 3*time.Millisecond)
	if err := h.gen.SetRate(1000); err != nil {
		t.Fatal(err)
	}
	h.settle()
	h.advance(100*time.Millisecond, 3*time.Millisecond)
	recs := h.sink.records()
	if len(recs) < 190 {
		t.Fatalf("%d records, want 100 at 100/s then ~100 at 1000/s", len(recs))
	}
	for i, r := range recs {
		var doc struct{ Seq, MS int64 }
		if err := json.Unmarshal(r.Data, &doc); err != nil || doc.Seq != int64(i) {
			t.Fatalf("record %d: %s (%v)", i, r.Data, err)
		}
		// Records 0..100 are due every 10 ms from the start (record 100 at the change, 1 s);
		// then one a millisecond.
		want := t0.UnixMilli() + 10*int64(i)
		if i > 100 {
			want = t0.UnixMilli() + 1000 + int64(i-100)
		}
		if doc.MS != want {
			t.Fatalf("record %d is stamped %d ms after the start, want %d", i, doc.MS-t0.UnixMilli(), want-t0.UnixMilli())
		}
	}
}
