package producer_test

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// Throughput of the engine itself: user records per second through routing, aggregation, the
// limiter and collection into an in-process sink that answers PutRecords at once (no HTTP, no
// limits), and the same through the emulator over loopback.
//
//	go test ./producer -run '^$' -bench Producer -benchmem -cpu 1 -count 6 | tee new.txt
//	benchstat new.txt

// sink is an in-process stand-in for Kinesis used only to measure the engine's own cost.
type sink struct {
	shards []types.Shard
	ends   []*big.Int // the shards' ending hash keys, parsed once
	seq    atomic.Int64
}

func newSink(n int) *sink {
	s := &sink{}
	step := new(big.Int).Div(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(int64(n)))
	for i := range n {
		lo := new(big.Int).Mul(step, big.NewInt(int64(i)))
		hi := new(big.Int).Sub(new(big.Int).Add(lo, step), big.NewInt(1))
		s.shards = append(s.shards, types.Shard{ShardId: aws.String(fmt.Sprintf("shardId-%012d", i)),
			HashKeyRange: &types.HashKeyRange{StartingHashKey: aws.String(lo.String()), EndingHashKey: aws.String(hi.String())}})
		s.ends = append(s.ends, hi)
	}
	return s
}

func (s *sink) PutRecords(_ context.Context, in *kinesis.PutRecordsInput, _ ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	out := &kinesis.PutRecordsOutput{Records: make([]types.PutRecordsResultEntry, len(in.Records)), FailedRecordCount: aws.Int32(0)}
	for i, r := range in.Records {
		h := md5Big(*r.PartitionKey)
		if r.ExplicitHashKey != nil {
			h, _ = new(big.Int).SetString(*r.ExplicitHashKey, 10)
		}
		id := s.shards[0].ShardId
		for j, hi := range s.ends {
			if h.Cmp(hi) <= 0 {
				id = s.shards[j].ShardId
				break
			}
		}
		out.Records[i] = types.PutRecordsResultEntry{ShardId: id, SequenceNumber: aws.String(strconv.FormatInt(s.seq.Add(1), 10))}
	}
	return out, nil
}

func (s *sink) ListShards(context.Context, *kinesis.ListShardsInput, ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error) {
	return &kinesis.ListShardsOutput{Shards: s.shards}, nil
}

func (s *sink) DescribeStreamSummary(context.Context, *kinesis.DescribeStreamSummaryInput, ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error) {
	return &kinesis.DescribeStreamSummaryOutput{StreamDescriptionSummary: &types.StreamDescriptionSummary{MaxRecordSizeInKiB: aws.Int32(1024)}}, nil
}

func benchPut(b *testing.B, api producer.KinesisAPI, size int) {
	ctx := context.Background()
	// The sink has no limits: lift the limiter so the benchmark measures the pipeline.
	p, err := producer.New(ctx, api, producer.Config{StreamName: "s", RateLimit: 10000, MaxBufferedRecords: 1 << 20, MaxBufferedBytes: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint("key-", i)
	}
	data := make([]byte, size-10)
	var failed atomic.Int64
	cb := func(r producer.Result) {
		if r.Err != nil {
			failed.Add(1)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if err := p.Put(ctx, producer.Record{PartitionKey: keys[i&4095], Data: data}, cb); err != nil {
			b.Fatal(err)
		}
		i++
	}
	if err := p.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	p.Close(ctx)
	if failed.Load() > 0 {
		b.Fatalf("%d records failed", failed.Load())
	}
}

func BenchmarkProducerInProcess(b *testing.B) {
	for _, size := range []int{100, 1024} {
		b.Run(fmt.Sprint(size, "B"), func(b *testing.B) { benchPut(b, newSink(8), size) })
	}
}

func BenchmarkProducerEmulator(b *testing.B) {
	for _, size := range []int{100, 1024} {
		b.Run(fmt.Sprint(size, "B"), func(b *testing.B) {
			lim := emulator.Limits{ShardBytesPerSec: 1 << 32, ShardBytesBurst: 1 << 32, ShardRecordsPerSec: 1 << 32, ShardRecordsBurst: 1 << 32}
			_, client := startEmulator(b, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 8}}, Limits: lim, RetainBytesPerShard: 8 << 20})
			benchPut(b, client, size)
		})
	}
}

// BenchmarkProducerStats is one Stats snapshot of a producer over a 10,000-shard stream: the
// dashboard's sampler takes four a second, so its cost grows with the shard count.
//
//	go test ./producer -run '^$' -bench ProducerStats -benchmem -count 6 | tee new.txt
func BenchmarkProducerStats(b *testing.B) {
	ctx := context.Background()
	p, err := producer.New(ctx, newSink(10_000), producer.Config{StreamName: "s"})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close(ctx)
	b.ReportAllocs()
	for b.Loop() {
		if st := p.Stats(); len(st.Shards) != 10_000 {
			b.Fatalf("%d shards", len(st.Shards))
		}
	}
}
