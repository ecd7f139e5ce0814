package metrics_test

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// The latency series are the percentiles of the records of each interval, not of the run: a
// spike shows at once in full, however long the calm before it.
func TestLatencyPercentilesArePerInterval(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	s.Sample(t0)
	fp.edit(func(st *producer.Stats) {
		for range 10_000 {
			_ = st.Stream.EndToEndTime.RecordValue(5_000) // 5 ms
		}
	})
	calm := s.Sample(t0.Add(time.Second))
	fp.edit(func(st *producer.Stats) {
		for range 100 {
			_ = st.Stream.EndToEndTime.RecordValue(800_000) // 800 ms
		}
	})
	spike := s.Sample(t0.Add(2 * time.Second))
	quiet := s.Sample(t0.Add(3 * time.Second))

	if got := calm.Stream.Get(metrics.EndToEndP99); !near(got, 5, 0.01) {
		t.Fatalf("calm p99 = %v ms, want 5", got)
	}
	// The run's p50 is still 5 ms; the interval's is 800 ms.
	if got := spike.Stream.Get(metrics.EndToEndP50); !near(got, 800, 1) {
		t.Fatalf("spike p50 = %v ms, want 800 (the interval's, not the run's)", got)
	}
	if got := spike.Stream.Get(metrics.EndToEndMax); !near(got, 800, 1) {
		t.Fatalf("spike max = %v ms, want 800", got)
	}
	if got := quiet.Stream.Get(metrics.EndToEndP50); !math.IsNaN(got) {
		t.Fatalf("an interval with no records has p50 %v, want none (NaN)", got)
	}
	if pts := s.Store().Series("end_to_end_ms_p50", "", time.Time{}); len(pts) != 2 {
		t.Fatalf("p50 series has %d points, want 2 (the empty interval has none)", len(pts))
	}
}

// For any values in two intervals, the second interval's percentiles equal those of a histogram
// holding only its values — the subtraction loses nothing.
func TestLatencyIntervalMatchesFreshHistogram(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		fp := newFakeProducer("shardId-000000000000")
		s, err := metrics.NewSampler(metrics.Config{Producer: fp})
		if err != nil {
			rt.Fatal(err)
		}
		value := rapid.Int64Range(1, int64(time.Hour/time.Microsecond))
		before := rapid.SliceOf(value).Draw(rt, "before")
		during := rapid.SliceOfN(value, 1, 500).Draw(rt, "during")
		fp.edit(func(st *producer.Stats) {
			for _, v := range before {
				_ = st.Stream.RequestTime.RecordValue(v)
			}
		})
		s.Sample(t0)
		fp.edit(func(st *producer.Stats) {
			for _, v := range during {
				_ = st.Stream.RequestTime.RecordValue(v)
			}
		})
		snap := s.Sample(t0.Add(time.Second))
		fresh := newLatencyHistogram()
		for _, v := range during {
			_ = fresh.RecordValue(v)
		}
		for i, q := range []float64{50, 90, 99, 100} {
			want := float64(fresh.ValueAtQuantile(q)) / 1000
			if got := snap.Stream.Get(metrics.RequestP50 + metrics.Metric(i)); got != want {
				rt.Fatalf("p%v = %v ms, want %v", q, got, want)
			}
		}
	})
}

// A shard's p99 is a figure from its records in the interval: records held for a 100 ms linger
// read 100 ms, not their bucket's bound (119 ms, which every lightly loaded shard once showed);
// a shard with no record in the interval has no p99.
func TestShardP99IsFromItsRecords(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000", "shardId-000000000001")
	s := newSampler(t, metrics.Config{Producer: fp})
	s.Sample(t0)
	fp.edit(func(st *producer.Stats) {
		for range 20 {
			shardOf(st, "shardId-000000000000").EndToEnd.Record(100 * time.Millisecond)
		}
	})
	snap := s.Sample(t0.Add(time.Second))
	if got := snap.Shard("shardId-000000000000").Get(metrics.EndToEndP99); got != 100 {
		t.Fatalf("the lingering shard's p99 = %v ms, want 100 (its records' latency)", got)
	}
	if got := snap.Shard("shardId-000000000001").Get(metrics.EndToEndP99); !math.IsNaN(got) {
		t.Fatalf("the idle shard's p99 = %v ms, want none (NaN, shown —)", got)
	}
	quiet := s.Sample(t0.Add(2 * time.Second))
	if got := quiet.Shard("shardId-000000000000").Get(metrics.EndToEndP99); !math.IsNaN(got) {
		t.Fatalf("an interval without records gives p99 %v ms, want none", got)
	}
}
