package workload

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func benchSource(b *testing.B, keys, size, payload string) {
	spec := DefaultSpec()
	spec.Seed = 1
	spec.Keys = mustKeys(b, keys)
	var err error
	if spec.Size, err = ParseSize(size); err != nil {
		b.Fatal(err)
	}
	if spec.Payload, err = ParsePayload(payload); err != nil {
		b.Fatal(err)
	}
	src, err := NewSource(spec, EvenShards(4))
	if err != nil {
		b.Fatal(err)
	}
	var bytes int
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	for i := range b.N {
		r := src.Next(uint64(i), t0)
		bytes += len(r.Data)
	}
	// The process's CPU time (GC included) varies less than ns/op on a shared machine.
	b.ReportMetric(float64((processCPU(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/record")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(bytes)/float64(b.N), "B/record")
}

// Records built per second on one core (run with -cpu 1): the cost of a record before the
// producer sees it.
func BenchmarkSourceRandom100(b *testing.B) { benchSource(b, "random", "100", "random") }
func BenchmarkSourceJSON(b *testing.B)      { benchSource(b, "random", "auto", "json") }
func BenchmarkSourceZipfLogNormal(b *testing.B) {
	benchSource(b, "zipf:1.1:100000", "lognormal:500:300", "random")
}
func BenchmarkSourceEHK(b *testing.B) { benchSource(b, "ehk", "100", "random") }

// BenchmarkSourcePool100 is the bench's 1p-100b record: 100 random bytes on a key from a pool
// of 10,000.
func BenchmarkSourcePool100(b *testing.B) { benchSource(b, "pool:10000", "100", "random") }

// countSink accepts everything.
type countSink struct{ n atomic.Uint64 }

func (s *countSink) Emit(context.Context, Record) error { s.n.Add(1); return nil }

// halfFullSink refuses every other record as full, as a producer at twice its capacity does.
type halfFullSink struct{ countSink }

func (s *halfFullSink) TryEmit(r Record) error {
	if s.n.Add(1)%2 == 0 {
		return ErrSinkFull
	}
	return nil
}

// BenchmarkGeneratorLoop is the whole send loop (schedule, clock, record, sink) asked for more
// than it can do, so it runs flat out: its records/s is the most one generator can offer.
func BenchmarkGeneratorLoop(b *testing.B) { benchGeneratorLoop(b, &countSink{}) }

// BenchmarkGeneratorLoopHalfFull is BenchmarkGeneratorLoop into a sink that refuses every other
// record as full.
func BenchmarkGeneratorLoopHalfFull(b *testing.B) { benchGeneratorLoop(b, &halfFullSink{}) }

type countingSink interface {
	Sink
	count() uint64
}

func (s *countSink) count() uint64 { return s.n.Load() }

func benchGeneratorLoop(b *testing.B, sink countingSink) {
	spec := DefaultSpec()
	spec.Seed = 1
	spec.Rate = MaxRate
	spec.MaxLag = time.Hour
	spec.LateAfter = time.Hour
	spec.Duration = time.Duration(float64(b.N) / MaxRate * float64(time.Second))
	g, err := New(Config{Spec: spec, Sink: sink})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	if err := g.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(sink.count())/time.Since(start).Seconds(), "records/s")
}

// BenchmarkPacing100k runs 100,000 records/s for 10 s on the real clock into a sink that takes
// everything, and reports how close the generator came to the schedule. It runs once whatever
// b.N is; figures, never asserts.
func BenchmarkPacing100k(b *testing.B) {
	const rate, dur = 100_000, 10 * time.Second
	for range b.N {
		spec := DefaultSpec()
		spec.Seed = 1
		spec.Rate = rate
		spec.Duration = dur
		sink := &countSink{}
		g, err := New(Config{Spec: spec, Sink: sink})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := g.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		st := g.Stats()
		b.ReportMetric(float64(st.Emitted)/dur.Seconds(), "achieved/s")
		b.ReportMetric(float64(st.Emitted)/(rate*dur.Seconds()), "achieved/target")
		b.ReportMetric(float64(st.Late), "late")
		b.ReportMetric(float64(st.Dropped), "dropped")
		b.ReportMetric(float64(st.MaxLag.Microseconds()), "max-lag-µs")
		b.ReportMetric(elapsed.Seconds(), "wall-s")
	}
}

// BenchmarkPacedCPU runs the bench's 1p-100b offer (116,000 records/s of 100 bytes, keys from a
// pool of 10,000) for 2 s on the real clock into a sink that takes everything, and reports the
// process's CPU time per record: with the generator ahead of its schedule, this is the cost of
// pacing (sleeping and waking) on top of building records. It runs once whatever b.N is.
func BenchmarkPacedCPU(b *testing.B) {
	const rate, dur = 116_000, 2 * time.Second
	for range b.N {
		spec := DefaultSpec()
		spec.Seed = 1
		spec.Rate = rate
		spec.Duration = dur
		spec.Keys = mustKeys(b, "pool:10000")
		spec.Size = SizeSpec{Kind: SizesFixed, Size: 100}
		sink := &countSink{}
		g, err := New(Config{Spec: spec, Sink: sink})
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := processCPU(b)
		if err := g.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		cpu := processCPU(b) - cpu0
		st := g.Stats()
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(st.Emitted), "cpu-ns/record")
		b.ReportMetric(float64(st.Emitted)/(rate*dur.Seconds()), "achieved/target")
		b.ReportMetric(float64(st.Late), "late")
		b.ReportMetric(float64(st.MaxLag.Microseconds()), "max-lag-µs")
	}
}
