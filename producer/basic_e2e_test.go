package producer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// TestMain fails the package if any goroutine outlives its test, except the HTTP client's idle
// keep-alive connections (the SDK client's, not the producer's).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"))
}

// The plain case: every record put resolves once, successfully, and reads back from the shard
// its key belongs to, with the sequence and sub-sequence numbers its result gave.
func TestRoundTripThroughEmulator(t *testing.T) {
	for _, agg := range []bool{true, false} {
		t.Run(fmt.Sprint("aggregation=", agg), func(t *testing.T) {
			_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 4}}})
			ctx := context.Background()
			p, err := producer.New(ctx, client, producer.Config{StreamName: "s", DisableAggregation: !agg})
			if err != nil {
				t.Fatal(err)
			}
			const n = 5000
			var mu sync.Mutex
			results := map[string]producer.Result{}
			for i := range n {
				id := fmt.Sprintf("rec-%05d", i)
				err := p.Put(ctx, producer.Record{PartitionKey: fmt.Sprint("key-", i%97), Data: []byte(id)}, func(r producer.Result) {
					mu.Lock()
					defer mu.Unlock()
					if _, dup := results[string(r.Record.Data)]; dup {
						t.Errorf("%s resolved twice", r.Record.Data)
					}
					results[string(r.Record.Data)] = r
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if len(results) != n {
				t.Fatalf("%d of %d records resolved", len(results), n)
			}
			for id, r := range results {
				if r.Err != nil || r.ShardID == "" || len(r.SequenceNumber) != 56 || len(r.Attempts) == 0 {
					t.Fatalf("%s: %+v", id, r)
				}
			}
			got, dropped := readBack(t, client, "s")
			if dropped != 0 {
				t.Fatalf("%d sub-records stored outside their shard's range with a stable shard map", dropped)
			}
			if len(got) != n {
				t.Fatalf("read back %d records, want %d", len(got), n)
			}
			for _, s := range got {
				r := results[s.data]
				if r.ShardID != s.shardID || r.SequenceNumber != s.seq || r.SubSequenceNumber != s.sub {
					t.Fatalf("%s read at %s/%s/%d, result said %s/%s/%d", s.data, s.shardID, s.seq, s.sub, r.ShardID, r.SequenceNumber, r.SubSequenceNumber)
				}
			}
			st := p.Stats()
			if st.Stream.UserRecordsPut != n || st.Stream.UserRecordsPending != 0 {
				t.Fatalf("stats %+v", st.Stream)
			}
			if agg && st.Stream.KinesisRecordsPut >= n/10 {
				t.Fatalf("aggregation on but %d Kinesis records for %d user records", st.Stream.KinesisRecordsPut, n)
			}
			_ = time.Second
		})
	}
}
