package recordsample

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// With CloudWatch's busiest-first hint, the hinted shards are the ones read.
func TestSampleReadsTheHintedShards(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 6, nil)
		r := newCountingReader(ts.kin)
		s, err := New(r, Config{Stream: ts.name, MaxShards: 2})
		if err != nil {
			t.Fatal(err)
		}
		s.SetShards(ts.shards)
		hint := []string{ts.shards[4].ShardID, ts.shards[2].ShardID, ts.shards[0].ShardID}
		s.SetBusiest(hint)
		s.Start(context.Background())
		defer s.Stop()
		time.Sleep(30 * time.Second)
		for i, sh := range ts.shards {
			calls, _ := r.counts(sh.ShardID)
			if hinted := i == 4 || i == 2; hinted && calls < 25 || !hinted && calls > 0 {
				t.Errorf("shard %s: %d calls; want the two busiest by the hint read, no other", sh.ShardID, calls)
			}
		}
	})
}

// Without a hint and with more shards than MaxShards, every shard gets a turn, then the sample
// keeps reading the shard it found busiest.
func TestSampleTakesTurnsThenKeepsTheBusiest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 6, nil)
		hot := ts.shards[5].ShardID // the last in order: its first turn comes last
		var hotKey, coolKey string
		for i := 0; hotKey == "" || coolKey == ""; i++ {
			k := fmt.Sprint("k", i)
			switch ts.shardOf(k) {
			case hot:
				hotKey = k
			case ts.shards[0].ShardID:
				coolKey = k
			}
		}
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		t.Cleanup(func() { stop(); wg.Wait() })
		wg.Go(func() {
			for ctx.Err() == nil {
				recs := []types.PutRecordsRequestEntry{entry(coolKey, []byte("cool"))}
				for range 200 {
					recs = append(recs, entry(hotKey, make([]byte, 100)))
				}
				ts.put(recs...)
				time.Sleep(time.Second)
			}
		})
		r := newCountingReader(ts.kin)
		ts.start(r, Config{MaxShards: 2})
		time.Sleep(40 * time.Second) // three turns of 10 s: every shard read once
		for _, sh := range ts.shards {
			if calls, _ := r.counts(sh.ShardID); calls == 0 {
				t.Errorf("shard %s not read in its turn", sh.ShardID)
			}
		}
		before, _ := r.counts(hot)
		time.Sleep(60 * time.Second)
		if after, _ := r.counts(hot); after-before < 55 {
			t.Errorf("%d calls on the busiest shard in 60 s after the first round: want it read every second", after-before)
		}
	})
}
