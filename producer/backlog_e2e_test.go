package producer_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// A shard that holds more than it can deliver within RecordTtl refuses more records — its own,
// not the other shards': a hot key cannot fill the shared buffer and starve the cold shards.
func TestHotShardBacklogDoesNotStarveTheOthers(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 2}}})
	// RecordTtl 2s: a shard may hold 1 MiB/s × 2 s × 0.8 = 1.6 MiB; the buffer holds 64 MiB.
	p := newProducer(t, client, producer.Config{RecordTtl: 2 * time.Second})
	hot := "1" // hash key 1: the first shard's range
	cold := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1)).String()
	data := bytes.Repeat([]byte("x"), 64<<10)
	var accepted int
	var err error
	for accepted = 0; accepted < 200; accepted++ { // 12.5 MiB offered to one shard at once
		if err = p.TryPut(producer.Record{PartitionKey: "k", ExplicitHashKey: hot, Data: data}, nil); err != nil {
			break
		}
	}
	if !errors.Is(err, producer.ErrShardBacklog) || !errors.Is(err, producer.ErrBufferFull) {
		t.Fatalf("after %d records of 64 KiB the hot shard answered %v, want ErrShardBacklog (an ErrBufferFull)", accepted, err)
	}
	if mib := float64(accepted*len(data)) / (1 << 20); mib < 1.5 || mib > 2.7 {
		t.Errorf("the hot shard took %.1f MiB, want its 1.6 MiB backlog (plus what it sent meanwhile)", mib)
	}
	// The other shard still takes records while the hot one refuses.
	for i := range 10 {
		if err := p.TryPut(producer.Record{PartitionKey: "k", ExplicitHashKey: cold, Data: data}, nil); err != nil {
			t.Fatalf("cold record %d refused while only the hot shard is behind: %v", i, err)
		}
	}
	st := p.Stats()
	if st.Shards[0].BacklogRefused == 0 || st.Shards[1].BacklogRefused != 0 {
		t.Errorf("backlog refusals by shard: %d, %d", st.Shards[0].BacklogRefused, st.Shards[1].BacklogRefused)
	}
	// Put waits for the hot shard's room instead of refusing, and gets it as the shard drains.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := p.Put(ctx, producer.Record{PartitionKey: "k", ExplicitHashKey: hot, Data: data}, nil); err != nil {
		t.Fatalf("Put on a shard that drains: %v", err)
	}
}
