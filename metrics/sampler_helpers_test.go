package metrics_test

import (
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// fakeProducer is a producer.Stats a test edits between samples. Stats returns deep copies, as
// the real producer does, so a test's later edits never change a reading the sampler kept.
type fakeProducer struct {
	mu sync.Mutex
	st producer.Stats
}

func newFakeProducer(shards ...string) *fakeProducer {
	f := &fakeProducer{}
	f.st.Stream.ErrorsByCode = map[string]int64{}
	f.st.Stream.BufferingTime = newLatencyHistogram()
	f.st.Stream.RequestTime = newLatencyHistogram()
	f.st.Stream.EndToEndTime = newLatencyHistogram()
	f.setShards(shards...)
	return f
}

// newLatencyHistogram has the producer's geometry: 1 µs to 1 hour, 3 significant digits.
func newLatencyHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
}

// setShards replaces the shard map, keeping the counters of shards that stay (as the producer
// does on a map refresh).
func (f *fakeProducer) setShards(ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := map[string]producer.ShardStats{}
	for _, s := range f.st.Shards {
		old[s.ShardID] = s
	}
	f.st.Shards = nil
	for _, id := range ids {
		s, ok := old[id]
		if !ok {
			s = producer.ShardStats{ShardID: id, StartingHashKey: id, ErrorsByCode: map[string]int64{},
				RecordCapacity: 1000, ByteCapacity: 1 << 20, RatePercent: 150}
		}
		f.st.Shards = append(f.st.Shards, s)
	}
}

// edit changes the stats under the lock.
func (f *fakeProducer) edit(fn func(st *producer.Stats)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.st)
}

// shard returns a pointer to a shard's stats; call it inside edit.
func shardOf(st *producer.Stats, id string) *producer.ShardStats {
	for i := range st.Shards {
		if st.Shards[i].ShardID == id {
			return &st.Shards[i]
		}
	}
	panic("no shard " + id)
}

func (f *fakeProducer) Stats() producer.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.st
	st.Stream.ErrorsByCode = maps.Clone(f.st.Stream.ErrorsByCode)
	for _, h := range []**hdrhistogram.Histogram{&st.Stream.BufferingTime, &st.Stream.RequestTime, &st.Stream.EndToEndTime} {
		if *h != nil {
			*h = (*h).Clone()
		}
	}
	st.Shards = make([]producer.ShardStats, len(f.st.Shards))
	for i, s := range f.st.Shards {
		s.ErrorsByCode = maps.Clone(s.ErrorsByCode)
		st.Shards[i] = s
	}
	return st
}

// fakeWorkload is a workload.Stats a test edits.
type fakeWorkload struct {
	mu sync.Mutex
	st workload.Stats
}

func (f *fakeWorkload) Stats() workload.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeWorkload) edit(fn func(st *workload.Stats)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.st)
}

func newSampler(t testing.TB, cfg metrics.Config) *metrics.Sampler {
	t.Helper()
	s, err := metrics.NewSampler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func shardIDs(n, from int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("shardId-%012d", from+i)
	}
	return ids
}

// t0 is an arbitrary fixed start for fake clocks.
var t0 = time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)

func near(a, b, tol float64) bool {
	d := a - b
	return d <= tol && d >= -tol
}
