package producer_test

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// 200,000 records with mixed keys through throttling, 5% per-record InternalFailure, injected
// 5xx answers and a shard split in the middle: every record resolves exactly once, and reading
// the stream back (deaggregated, each sub-record checked against its shard's range) yields every
// success. Retries may store a record twice; duplicates are counted and reported, none may be
// missing. On virtual time (a synctest bubble, the emulator in process): the producer's waits —
// lingers, backoffs, the reshard delay — cost no wall-clock time, and the throttling does not
// depend on how fast the machine is.
func TestEveryRecordResolvesOnceUnderFaultsAndReshard(t *testing.T) {
	t.Parallel() // on virtual time, as the saturation tests
	synctest.Test(t, testEveryRecordResolvesOnceUnderFaultsAndReshard)
}

func testEveryRecordResolvesOnceUnderFaultsAndReshard(t *testing.T) {
	const n = 200_000
	emu, client := startInProcess(t, emulator.Config{
		Streams: []emulator.StreamSpec{{Name: "s", Shards: 4}},
		Faults:  emulator.Faults{InternalFailureRate: 0.05, ServerErrorRate: 0.02},
		// A 64 KiB burst throttles any request carrying more than that for one shard.
		Limits:       emulator.Limits{ShardBytesBurst: 64 << 10},
		ReshardDelay: 300 * time.Millisecond,
	})
	ctx := context.Background()
	p, err := producer.New(ctx, client, producer.Config{StreamName: "s", RecordTtl: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	resolved := make([]atomic.Int32, n)
	var ok, failed atomic.Int64
	results := make([]producer.Result, n)
	var wg sync.WaitGroup
	const writers = 4
	var split sync.Once
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += writers {
				// Mixed keys: a hot few, a long tail, and explicit hash keys.
				r := producer.Record{PartitionKey: fmt.Sprint("user-", i%5000), Data: []byte(fmt.Sprintf("%07d:%s", i, payload(i)))}
				switch {
				case i%10 == 0:
					r.PartitionKey = "hot"
				case i%7 == 0:
					r.ExplicitHashKey = new(big.Int).Mul(big.NewInt(int64(i)), big.NewInt(1<<62)).String()
				}
				err := p.Put(ctx, r, func(res producer.Result) {
					if resolved[i].Add(1) != 1 {
						t.Errorf("record %d resolved twice", i)
					}
					// Its result carries its own record: the producer copies records between
					// its slabs as they are retried and re-routed, and reuses the slabs.
					if want := fmt.Sprintf("%07d:", i); !strings.HasPrefix(string(res.Record.Data), want) || res.Record.PartitionKey != r.PartitionKey || res.Record.ExplicitHashKey != r.ExplicitHashKey {
						t.Errorf("record %d resolved with the record %q/%q/%.8q", i, res.Record.PartitionKey, res.Record.ExplicitHashKey, res.Record.Data)
					}
					results[i] = res
					if res.Err == nil {
						ok.Add(1)
					} else {
						failed.Add(1)
					}
				})
				if err != nil {
					t.Error(err)
					return
				}
				if i == n/2 {
					split.Do(func() {
						mid := new(big.Int).Lsh(big.NewInt(1), 125).String() // the middle of shard 0
						if _, err := client.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"),
							ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)}); err != nil {
							t.Error(err)
						}
					})
				}
			}
		}()
	}
	wg.Wait()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range resolved {
		if resolved[i].Load() != 1 {
			t.Fatalf("record %d resolved %d times", i, resolved[i].Load())
		}
	}
	st := p.Stats()
	est, _ := emu.StreamStats("s")
	t.Logf("ok %d failed %d; retries %d, throttles (emulator) %d, internal failures %d, wrong-shard resends %d, map changes %d, errors %v",
		ok.Load(), failed.Load(), st.Stream.Retries, est.Total.ThrottledRecords, est.Total.InternalFailures,
		st.Stream.WrongShardResends, st.Stream.ShardMapChanges, st.Stream.ErrorsByCode)
	if est.Total.ThrottledRecords == 0 || est.Total.InternalFailures == 0 || emu.FaultStats().ServerErrors == 0 {
		t.Fatalf("the faults did not happen: %+v %+v", est.Total, emu.FaultStats())
	}
	if st.Stream.ShardMapChanges == 0 {
		t.Fatal("the producer never saw the split")
	}
	if failed.Load() != 0 {
		for i, r := range results {
			if r.Err != nil {
				t.Fatalf("%d records failed, e.g. %d: %v after %d attempts", failed.Load(), i, r.Err, len(r.Attempts))
			}
		}
	}

	seen := make([]int, n)
	delivered, dropped := readBack(t, client, "s")
	if int64(dropped) > st.Stream.WrongShardResends {
		t.Fatalf("%d sub-records landed outside their shard, more than the %d the producer re-sent", dropped, st.Stream.WrongShardResends)
	}
	for _, s := range delivered {
		var i int
		fmt.Sscanf(s.data, "%07d:", &i)
		seen[i]++
		if r := results[i]; r.SequenceNumber == s.seq && r.ShardID != s.shardID {
			t.Fatalf("record %d: result names %s, stored in %s", i, r.ShardID, s.shardID)
		}
	}
	dups := 0
	for i, c := range seen {
		if c == 0 {
			t.Fatalf("record %d succeeded (%s/%s) but is not in the stream", i, results[i].ShardID, results[i].SequenceNumber)
		}
		dups += c - 1
	}
	t.Logf("read back all %d records; %d duplicates from retries (%.2f%%); %d sub-records of stale-map aggregates dropped by the KCL rule, all re-sent",
		n, dups, 100*float64(dups)/n, dropped)
}

func payload(i int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 40+i%120)
	for j := range b {
		b[j] = letters[(i+j)%26]
	}
	return string(b)
}
