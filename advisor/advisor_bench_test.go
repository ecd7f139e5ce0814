package advisor

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkObserve is the advisor's cost per sample (it runs in the sampler's goroutine, every
// 250 ms), on a full window of a stream with a hot shard.
func BenchmarkObserve(b *testing.B) {
	for _, n := range []int{4, 64, 512} {
		b.Run(strconv.Itoa(n)+"shards", func(b *testing.B) {
			a, f := New(Config{}), newFeed()
			shards := make([]shardFig, n)
			for i := range shards {
				shards[i] = shardFig{offered: 500, offeredBytes: 500 * 600, put: 500, putBytes: 500 * 600}
			}
			shards[0] = shardFig{offered: 1800, offeredBytes: 1800 * 600, put: 1000, putBytes: 1000 * 600, throttled: 300}
			snaps := make([]Input, 64)
			for i := range snaps {
				snaps[i] = Input{Snapshot: f.next(shards, nil)}
			}
			for _, in := range snaps[:24] {
				a.Observe(in)
			}
			b.ResetTimer()
			t := snaps[23].Snapshot.Time
			for i := range b.N {
				s := *snaps[i%len(snaps)].Snapshot // a new sample each time, 250 ms on
				t = t.Add(250 * time.Millisecond)
				s.Seq, s.Time = int64(100+i), t
				a.Observe(Input{Snapshot: &s})
			}
		})
	}
}
