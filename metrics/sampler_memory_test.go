package metrics_test

import (
	"runtime"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// A long run costs no more memory than a short one: many thousands of samples (hours of
// 250 ms ticks on a fake clock), with reshards now and then, leave the series at the window's
// length, the store holding only shards with history in the window, and the heap where it was
// once the window had filled.
func TestMemoryStaysBoundedOverALongRun(t *testing.T) {
	const (
		shards       = 8
		samples      = 40_000 // close to 3 hours of 250 ms ticks
		reshardEvery = 5_000
		window       = 15 * time.Second // 60 points, so the window fills and turns over many times
	)
	fp := newFakeProducer(shardIDs(shards, 0)...)
	fp.edit(func(st *producer.Stats) {
		// A coarse histogram keeps the latency path in the test without copying the producer's
		// 188 KB ones thousands of times (the benchmark times those).
		st.Stream.RequestTime = hdrhistogram.New(1, 10_000, 1)
		st.Stream.BufferingTime, st.Stream.EndToEndTime = nil, nil
	})
	s := newSampler(t, metrics.Config{Stream: "s", Producer: fp, Window: window})
	capacity := s.Store().Capacity()
	if capacity != 60 {
		t.Fatalf("capacity %d points, want window/interval = 60", capacity)
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var afterWarmup uint64
	next := shards
	now := t0
	for i := range samples {
		if i > 0 && i%reshardEvery == 0 {
			fp.setShards(shardIDs(shards, next)...) // every shard retired, new ids
			next += shards
		}
		fp.edit(func(st *producer.Stats) {
			st.Stream.KinesisRecordsPut += 100
			st.Stream.Retries++
			_ = st.Stream.RequestTime.RecordValue(int64(1 + i%5000))
			for j := range st.Shards {
				sh := &st.Shards[j]
				sh.KinesisRecordsPut += 10
				sh.Retries++
				sh.Throttles++
				sh.ErrorsByCode["ProvisionedThroughputExceededException"]++
			}
		})
		now = now.Add(250 * time.Millisecond)
		s.Sample(now)
		if i == reshardEvery+capacity { // window full, first reshard aged out
			afterWarmup = heap()
		}
	}
	end := heap()

	st := s.Store()
	if st.Len() != capacity {
		t.Fatalf("store holds %d samples, want %d", st.Len(), capacity)
	}
	if n := len(st.Series("put_records", "", time.Time{})); n != capacity {
		t.Fatalf("stream series has %d points, want %d", n, capacity)
	}
	if n := len(st.Series("errors.ProvisionedThroughputExceededException", shardIDs(1, next-shards)[0], time.Time{})); n != capacity {
		t.Fatalf("shard error series has %d points, want %d", n, capacity)
	}
	if n := len(st.Shards()); n != shards {
		t.Fatalf("store holds %d shards, want the %d open ones (the retired left the window)", n, shards)
	}
	// The per-shard summary rows (one small struct per shard ever seen) are the only growth:
	// they follow reshards, not time.
	const slack = 256 << 10
	t.Logf("heap after the window filled %d KB, at the end %d KB", afterWarmup>>10, end>>10)
	if end > afterWarmup+slack {
		t.Fatalf("heap grew from %d KB to %d KB over the run", afterWarmup>>10, end>>10)
	}
}
