package producer_test

// Sharing tests: several producers that know nothing of one another write to one stream. Each
// shard's adaptive limiter must find its producer's share from throttles alone, filling the
// stream without storming it. They run on virtual time (see saturation_test.go), so the figures
// are the emulator's limits and the limiter's logic, not the machine's speed.

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// Four producers with the default configuration share a stream, together offered 150 % of its
// byte capacity with 1 KiB records (the bench's 4p cell): over a steady window the stream takes
// at least 99 % of its byte capacity and throttles at most 5 % of the Kinesis records offered.
func TestSharingFourProducersFillTheStreamWithoutStorming(t *testing.T) {
	t.Parallel() // on virtual time: other tests' load does not change the figures
	synctest.Test(t, func(t *testing.T) {
		got := shareStream(t, 4, 2, producer.Config{})
		if got.delivered < 0.99 || got.throttled > 0.05 {
			t.Fatalf("four producers: delivered %.1f%% of byte capacity with %.2f%% of Kinesis records throttled; want ≥ 99%% and ≤ 5%%",
				100*got.delivered, 100*got.throttled)
		}
	})
}

type shareFigures struct{ delivered, throttled float64 }

// offerPooled puts records of size data bytes at perSec, paced by the clock in 10 ms steps,
// until stop, keyed as the bench's are: ids from a pool of 10,000 ("key-1".."key-10000"), so
// records differ in size by a few bytes, as customer or device ids make them.
func offerPooled(p *producer.Producer, perSec int, size int, seed uint64, stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(seed, 7))
	start := time.Now()
	data := make([]byte, size)
	for sent := 0; ; {
		select {
		case <-stop:
			return
		case <-time.After(10 * time.Millisecond):
		}
		for due := int(time.Since(start).Seconds() * float64(perSec)); sent < due; sent++ {
			key := "key-" + strconv.Itoa(1+rng.IntN(10_000))
			if err := p.Put(context.Background(), producer.Record{PartitionKey: key, Data: data}, nil); err != nil {
				return
			}
		}
	}
}

// shareStream runs n producers configured as cfg on a stream of shards shards, together offered
// 150 % of its byte capacity with 1 KiB records, and measures the stream over a steady window
// after a warm-up in which the limiters find their shares. Requests take 10–30 ms each way, as
// on a loopback socket to a busy emulator: the limiters learn of a throttle late.
func shareStream(t *testing.T, n, shards int, cfg producer.Config) shareFigures {
	const warmup, span, size = 10 * time.Second, 30 * time.Second, 1024
	lat := emulator.Latency{Kind: emulator.LatencyUniform, Base: 10 * time.Millisecond, Max: 30 * time.Millisecond}
	srv, client := startInProcess(t, emulator.Config{
		Streams: []emulator.StreamSpec{{Name: "s", Shards: shards}},
		Faults:  emulator.Faults{Latency: lat, AnswerLatency: lat},
	})
	ps := make([]*producer.Producer, n)
	for i := range ps {
		ps[i] = newProducer(t, client, cfg)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() { defer wg.Done(); offerPooled(p, shards*(1<<20)*3/2/size/n, size, uint64(100+i), stop) }()
	}
	time.Sleep(warmup)
	st0, _ := srv.StreamStats("s")
	time.Sleep(span)
	st1, _ := srv.StreamStats("s")
	close(stop)
	wg.Wait()
	abandon, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range ps {
		p.Close(abandon) // what they still hold says nothing more, and sending it costs time
	}
	thr := st1.Total.ThrottledRecords - st0.Total.ThrottledRecords
	acc := st1.Total.AcceptedRecords - st0.Total.AcceptedRecords
	f := shareFigures{
		delivered: float64(st1.Total.AcceptedBytes-st0.Total.AcceptedBytes) / (float64(shards) * (1 << 20) * span.Seconds()),
		throttled: float64(thr) / float64(thr+acc),
	}
	charged := float64(st1.Total.ChargedBytes-st0.Total.ChargedBytes) / (float64(shards) * (1 << 20) * span.Seconds())
	t.Logf("%d producers: delivered %.1f%% of byte capacity (charged %.1f%%: the 1 KiB rounding), throttled %.2f%% of Kinesis records (%d of %d)",
		n, 100*f.delivered, 100*charged, 100*f.throttled, thr, thr+acc)
	for i, p := range ps {
		var rates []float64
		for _, s := range p.Stats().Shards {
			rates = append(rates, s.RatePercent)
		}
		t.Logf("producer %d: rate %% by shard %.1f", i, rates)
	}
	return f
}
