package producer_test

// Saturation tests measure throughput on virtual time: client, producer and emulator run
// together in a testing/synctest bubble (the emulator in process), so the figures depend on the
// emulator's limits and the producer's logic, not on how fast or busy the machine is, and the
// tests run under -race in the normal suite.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// offer puts records of size bytes (data + key) at perSec, paced by the clock in 10 ms steps,
// until stop; it returns how many it offered.
func offer(p *producer.Producer, perSec int, size int, seed uint64, stop <-chan struct{}) int {
	rng := rand.New(rand.NewPCG(seed, 7))
	start := time.Now()
	sent := 0
	data := make([]byte, size)
	for {
		select {
		case <-stop:
			return sent
		case <-time.After(10 * time.Millisecond):
		}
		due := int(time.Since(start).Seconds() * float64(perSec))
		for ; sent < due; sent++ {
			key := fmt.Sprintf("key-%07d", rng.IntN(1_000_000)) // data fills the record up to size
			if err := p.Put(context.Background(), producer.Record{PartitionKey: key, Data: data[:size-len(key)]}, nil); err != nil {
				return sent
			}
		}
	}
}

type window struct{ accepted, throttled, userBytes int64 }

func measure(e *emulator.Emulator, ps ...*producer.Producer) window {
	st, _ := e.StreamStats("s")
	w := window{accepted: st.Total.AcceptedBytes, throttled: st.Total.ThrottledRecords}
	for _, p := range ps {
		w.userBytes += p.Stats().Stream.UserBytesPut
	}
	return w
}

// One producer offered 150% of a 4-shard stream's byte capacity with 100-byte records
// delivers at least 95% of that capacity (measured by the emulator, after a warm-up that
// excludes the shards' initial burst).
func TestSaturationDeliversByteCapacity(t *testing.T) {
	t.Parallel() // on virtual time: other tests' load does not change the figures
	synctest.Test(t, testSaturationDeliversByteCapacity)
}

func testSaturationDeliversByteCapacity(t *testing.T) {
	// On virtual time the figure is exact after a short span; the warm-up excludes the
	// shards' initial burst.
	const shards, warmup, span = 4, 2 * time.Second, 5 * time.Second
	srv, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: shards}}})
	p := newProducer(t, client, producer.Config{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); offer(p, shards*(1<<20)*3/2/100, 100, 1, stop) }()
	time.Sleep(warmup)
	a := measure(srv, p)
	st0, _ := srv.StreamStats("s")
	time.Sleep(span)
	b := measure(srv, p)
	st1, _ := srv.StreamStats("s")
	close(stop)
	wg.Wait()
	capacity := float64(shards) * (1 << 20) * span.Seconds()
	delivered := float64(b.accepted-a.accepted) / capacity
	kinesisRecs := (st1.Total.AcceptedRecords - st0.Total.AcceptedRecords) + (b.throttled - a.throttled)
	throttledFrac := float64(b.throttled-a.throttled) / float64(kinesisRecs)
	t.Logf("delivered %.1f%% of byte capacity (%.2f MiB/s), user payload %.1f%%, throttled %.2f%% of Kinesis records",
		100*delivered, float64(b.accepted-a.accepted)/span.Seconds()/(1<<20), 100*float64(b.userBytes-a.userBytes)/capacity, 100*throttledFrac)
	if delivered < 0.95 {
		t.Fatalf("delivered %.1f%% of the byte capacity, want ≥ 95%%", 100*delivered)
	}
}

// Two producers sharing a stream, together offered twice its capacity: with adaptive limiting
// they throttle at most half as often as with the KPL's static limiter at 150%.
func TestSaturationAdaptiveHalvesThrottlingOfTwoProducers(t *testing.T) {
	t.Parallel() // as above
	run := func(adaptive bool) (frac float64) {
		synctest.Test(t, func(t *testing.T) { frac = throttledFractionOfTwoProducers(t, adaptive) })
		return frac
	}
	static := run(false)
	adaptive := run(true)
	if static == 0 || adaptive > static/2 {
		t.Fatalf("throttled fraction adaptive %.2f%% vs static %.2f%%: want at most half", 100*adaptive, 100*static)
	}
}

// throttledFractionOfTwoProducers runs two producers, together offered twice the stream's
// capacity, and returns the fraction of Kinesis records the stream throttled after warm-up.
func throttledFractionOfTwoProducers(t *testing.T, adaptive bool) float64 {
	// One shard: each shard's limiter adapts on its own, and virtual time makes a short span
	// exact; the warm-up lets the adaptive limiters converge.
	const shards, warmup, span = 1, 2 * time.Second, 3 * time.Second
	srv, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: shards}}})
	ps := []*producer.Producer{
		newProducer(t, client, producer.Config{DisableAdaptive: !adaptive}),
		newProducer(t, client, producer.Config{DisableAdaptive: !adaptive}),
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() { defer wg.Done(); offer(p, shards*(1<<20)/100, 100, uint64(i+10), stop) }()
	}
	time.Sleep(warmup)
	st0, _ := srv.StreamStats("s")
	time.Sleep(span)
	st1, _ := srv.StreamStats("s")
	close(stop)
	wg.Wait()
	thr := st1.Total.ThrottledRecords - st0.Total.ThrottledRecords
	acc := st1.Total.AcceptedRecords - st0.Total.AcceptedRecords
	delivered := float64(st1.Total.AcceptedBytes-st0.Total.AcceptedBytes) / (float64(shards) * (1 << 20) * span.Seconds())
	frac := float64(thr) / float64(thr+acc)
	t.Logf("adaptive=%v: throttled %.2f%% of Kinesis records, delivered %.1f%% of byte capacity", adaptive, 100*frac, 100*delivered)
	return frac
}
