//go:build unix

package producer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/kinesismock"
	"github.com/shardstorm/shardstorm/producer"
)

// The same round trip against another Kinesis implementation, kinesis-mock (it never
// throttles): the producer depends on nothing emulator-specific.
func TestRoundTripThroughKinesisMock(t *testing.T) {
	endpoint := kinesismock.Start(t)
	client := newClient(endpoint)
	ctx := context.Background()
	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	waiter := kinesis.NewStreamExistsWaiter(client)
	if err := waiter.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s")}, 30*time.Second, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	}); err != nil {
		t.Fatal(err)
	}
	p, err := producer.New(ctx, client, producer.Config{StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20_000
	var mu sync.Mutex
	results := map[string]producer.Result{}
	for i := range n {
		id := fmt.Sprintf("rec-%05d", i)
		if err := p.Put(ctx, producer.Record{PartitionKey: fmt.Sprint("k", i%333), Data: []byte(id)}, func(r producer.Result) {
			mu.Lock()
			results[string(r.Record.Data)] = r
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if len(results) != n {
		t.Fatalf("%d of %d resolved", len(results), n)
	}
	for id, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", id, r.Err)
		}
	}
	got, dropped := readBack(t, client, "s")
	if dropped != 0 || len(got) != n {
		t.Fatalf("read back %d records (%d dropped), want %d", len(got), dropped, n)
	}
	for _, s := range got {
		if r := results[s.data]; r.ShardID != s.shardID || r.SequenceNumber != s.seq || r.SubSequenceNumber != s.sub {
			t.Fatalf("%s stored at %s/%s/%d, result %s/%s/%d", s.data, s.shardID, s.seq, s.sub, r.ShardID, r.SequenceNumber, r.SubSequenceNumber)
		}
	}
}
