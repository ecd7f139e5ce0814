package recordsample

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/eventually"
)

// writeEverySecond writes n records of size bytes (key included) on every shard each second
// until ctx ends.
func (ts *testStream) writeEverySecond(ctx context.Context, n, size int) *sync.WaitGroup {
	var keys []string // one key per shard
	for i := 0; len(keys) < len(ts.shards); i++ {
		k := fmt.Sprintf("key-%04d", i)
		if !containsShard(ts, keys, ts.shardOf(k)) {
			keys = append(keys, k)
		}
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	ts.t.Cleanup(func() { cancel(); wg.Wait() }) // when the test fails before it ends them
	wg.Go(func() {
		for ctx.Err() == nil {
			var recs []types.PutRecordsRequestEntry
			for _, k := range keys {
				for range n {
					recs = append(recs, entry(k, make([]byte, size-len(k))))
				}
			}
			ts.put(recs...)
			time.Sleep(time.Second)
		}
	})
	return &wg
}

func containsShard(ts *testStream, keys []string, shard string) bool {
	for _, k := range keys {
		if ts.shardOf(k) == shard {
			return true
		}
	}
	return false
}

// The call budget: over N seconds, at most one GetRecords call per second on each of at most
// MaxShards shards, whether the shards fit (3 of 3) or not (4 of 6, in turns).
func TestSampleKeepsToOneCallPerSecondPerShard(t *testing.T) {
	for _, c := range []struct{ shards, maxShards int }{{3, 8}, {6, 4}} {
		t.Run(fmt.Sprintf("%d shards, at most %d", c.shards, c.maxShards), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ts := newTestStream(t, c.shards, nil)
				ctx, stop := context.WithCancel(context.Background())
				writers := ts.writeEverySecond(ctx, 20, 100)
				r := newCountingReader(ts.kin)
				s := ts.start(r, Config{MaxShards: c.maxShards})
				const n = 60
				time.Sleep(n * time.Second)
				budget := s.Sample().Budget
				s.Stop()
				stop()
				writers.Wait()

				calls, _ := r.counts("")
				sampled := min(c.shards, c.maxShards)
				if limit := n*sampled + sampled; calls > limit || calls < (n-15)*sampled {
					t.Errorf("%d GetRecords calls in %d s on %d shards: want at most %d, and the shards read", calls, n, sampled, limit)
				}
				rs := s.Sample()
				if rs.Calls != int64(calls) || rs.Throttled != 0 {
					t.Errorf("the sample counts %d calls (%d throttled), the client saw %d", rs.Calls, rs.Throttled, calls)
				}
				// In turns, every shard was read.
				for _, sh := range ts.shards {
					if got, _ := r.counts(sh.ShardID); got == 0 {
						t.Errorf("shard %s never read", sh.ShardID)
					}
				}
				if c.shards > c.maxShards && !strings.Contains(budget, "; left out: 2 shards beyond 4 at once (in turns)") {
					t.Errorf("budget %q does not say which shards were left out", budget)
				}
			})
		})
	}
}

// The byte budget: 3 shards each receiving 100 KiB/s, a budget of 64 KiB/s: the sample reads at
// most about that, and says the budget left shards out.
func TestSampleKeepsToTheByteBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 3, nil)
		ctx, stop := context.WithCancel(context.Background())
		writers := ts.writeEverySecond(ctx, 100, 1024)
		const budget, n = 64 << 10, 60
		s := ts.start(ts.kin, Config{MaxBytesPerSec: budget})
		time.Sleep(n * time.Second)
		rs := s.Sample()
		src := s.Source()
		s.Stop()
		stop()
		writers.Wait()

		// Slack: one second's allowance, and the first call of each shard before its rate is known.
		if limit := int64(n*budget + budget + 3*100<<10); rs.BytesRead > limit {
			t.Errorf("read %d bytes in %d s with a budget of %d/s: want at most %d", rs.BytesRead, n, budget, limit)
		}
		if rs.BytesRead < (n/2)*budget {
			t.Errorf("read %d bytes in %d s: the budget was not used", rs.BytesRead, n)
		}
		if !strings.Contains(rs.Budget, "≤ 64 KiB/s; left out: 2 shards for the byte budget") || !strings.Contains(src.Resolution, "1 of 3 shards") {
			t.Errorf("budget %q, source %+v: want the 2 shards the byte budget left out named", rs.Budget, src)
		}
	})
}

// Another consumer takes every GetRecords call a shard allows (the emulator's limit set to 1
// call/s, so that the other's polling leaves the sampler almost no chance): the sample's calls
// there are refused, it backs off (its calls drop well below 1/s) and says so; when the other
// consumer stops, it reads the shard again.
func TestSampleYieldsToAThrottledShard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limits := emulator.DefaultLimits()
		limits.GetRecordsPerShard = 1
		ts := newTestStream(t, 2, &limits)
		ctx, stopWriting := context.WithCancel(context.Background())
		writers := ts.writeEverySecond(ctx, 5, 100)
		r := newCountingReader(ts.kin)
		s := ts.start(r, Config{})
		time.Sleep(3 * time.Second)

		hogged := ts.shards[0].ShardID
		hogCtx, stopHog := context.WithCancel(context.Background())
		var hog sync.WaitGroup
		hog.Go(func() { hogShard(hogCtx, ts.kin, ts.name, hogged) })
		t.Cleanup(func() { stopHog(); hog.Wait() })
		time.Sleep(5 * time.Second) // the sampler meets the hog and backs off

		eventually.True(t, 10*time.Second, "the sample backing off", func() bool {
			rs, src := s.Sample(), s.Source()
			return rs.BackingOff && rs.Throttled > 0 && src.Status == "backing off" &&
				strings.Contains(src.Detail, hogged) && strings.Contains(src.Detail, "ProvisionedThroughputExceededException")
		})
		before, _ := r.counts(hogged)
		beforeOther, _ := r.counts(ts.shards[1].ShardID)
		time.Sleep(30 * time.Second)
		during, _ := r.counts(hogged)
		duringOther, _ := r.counts(ts.shards[1].ShardID)
		if calls := during - before; calls > 12 {
			t.Errorf("%d calls in 30 s on the hogged shard: want the sampler to back off", calls)
		}
		if calls := duringOther - beforeOther; calls < 28 {
			t.Errorf("%d calls in 30 s on the other shard: want it read every second", calls)
		}

		stopHog()
		hog.Wait()
		_, okBefore := r.counts(hogged)
		eventually.True(t, 45*time.Second, "the sample reading the hogged shard again", func() bool {
			_, ok := r.counts(hogged)
			rs := s.Sample()
			return ok >= okBefore+5 && !rs.BackingOff && s.Source().Status == "reading"
		})
		stopWriting()
		writers.Wait()
	})
}

// hogShard is a consumer that takes every GetRecords call a shard allows, polling every 10 ms:
// another call finds the shard's allowance spent but for 10 ms in each of its refills.
func hogShard(ctx context.Context, kin *kinesis.Client, stream, shard string) {
	out, err := kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard),
		ShardIteratorType: types.ShardIteratorTypeLatest})
	if err != nil {
		return
	}
	iter := out.ShardIterator
	for ctx.Err() == nil {
		page, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter}, noSDKRetries)
		if err == nil {
			iter = page.NextShardIterator
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A bad Config is refused with an error naming the field.
func TestNewRefusesABadConfig(t *testing.T) {
	for field, cfg := range map[string]Config{
		"Stream":         {},
		"MaxShards":      {Stream: "s", MaxShards: -1},
		"MaxBytesPerSec": {Stream: "s", MaxBytesPerSec: -5},
		"Window":         {Stream: "s", Window: time.Second},
		"TopKeys":        {Stream: "s", TopKeys: -1},
	} {
		_, err := New(&kinesis.Client{}, cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != field || !strings.Contains(err.Error(), "Config."+field) {
			t.Errorf("%+v: error %v, want one naming %s", cfg, err, field)
		}
	}
	if _, err := New(nil, Config{Stream: "s"}); err == nil {
		t.Error("a nil Reader was accepted")
	}
	if s, err := New(&kinesis.Client{}, Config{Stream: "s"}); err != nil || s.Sample() != nil || s.Source().Status != "off" {
		t.Errorf("a good Config: %v; before Start the sample must be nil and the source off", err)
	}
}
