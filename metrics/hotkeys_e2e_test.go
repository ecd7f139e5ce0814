package metrics_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// Fed by the producer's hook, the top-k names an injected hot key as the top key of its shard,
// with its share of that shard's traffic.
func TestHotKeysFindInjectedHotKey(t *testing.T) {
	srv, err := emulator.Start(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hot := metrics.NewHotKeys(0, 0)
	ctx := context.Background()
	p, err := producer.New(ctx, sdktest.Kinesis(srv.URL, 0, nil), producer.Config{StreamName: "s", Hooks: []producer.Hook{hot}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	hotShard := ""
	const n = 20_000
	for i := range n {
		key := fmt.Sprint("user-", i) // distinct keys spread evenly over the 4 shards
		if i%10 < 3 {
			key = "hot-customer" // 30% of all records
		}
		err := p.Put(ctx, producer.Record{PartitionKey: key, Data: []byte("x")}, func(r producer.Result) {
			if r.Err == nil && r.Record.PartitionKey == "hot-customer" {
				mu.Lock() // callbacks run on the goroutines of concurrent requests
				hotShard = r.ShardID
				mu.Unlock()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	top := hot.Top(hotShard, 3, false)
	if len(top) == 0 || top[0].Key != "hot-customer" {
		t.Fatalf("top keys of %s: %+v", hotShard, top)
	}
	// 30% of all records, plus about a quarter of the other 70%, land on the hot key's shard.
	want := 0.3 / (0.3 + 0.7/4)
	if math.Abs(top[0].RecordShare-want) > 0.05 {
		t.Fatalf("hot key's share of its shard %.3f, want about %.3f", top[0].RecordShare, want)
	}
	for _, id := range hot.Shards() {
		if id == hotShard {
			continue
		}
		if top := hot.Top(id, 1, false); len(top) > 0 && top[0].RecordShare > 0.05 {
			t.Fatalf("shard %s has a 'hot' key %+v though only distinct keys go there", id, top[0])
		}
	}
}
