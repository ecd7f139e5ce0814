package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// benchSource hands out one prebuilt producer.Stats, its counters advanced and some latencies
// recorded at each call, so the benchmark times the sampler, not a producer.
type benchSource struct {
	st producer.Stats
	n  int64
}

func newBenchSource(shards int) *benchSource {
	b := &benchSource{}
	b.st.Stream.ErrorsByCode = map[string]int64{}
	b.st.Stream.BufferingTime = newLatencyHistogram()
	b.st.Stream.RequestTime = newLatencyHistogram()
	b.st.Stream.EndToEndTime = newLatencyHistogram()
	for _, id := range shardIDs(shards, 0) {
		b.st.Shards = append(b.st.Shards, producer.ShardStats{
			ShardID: id, RecordCapacity: 1000, ByteCapacity: 1 << 20, RatePercent: 150,
			ErrorsByCode: map[string]int64{"ProvisionedThroughputExceededException": 0},
		})
	}
	return b
}

func (b *benchSource) Stats() producer.Stats {
	b.n++
	st := &b.st.Stream
	st.UserRecordsPut += 1000
	st.KinesisRecordsPut += 100
	st.KinesisBytesPut += 100_000
	st.Requests += 2
	st.RequestRecords += 100
	for i := range 200 {
		_ = st.EndToEndTime.RecordValue(int64(1000 + (i*7919+int(b.n))%200_000))
		_ = st.BufferingTime.RecordValue(int64(500 + i%50_000))
	}
	_ = st.RequestTime.RecordValue(20_000 + b.n%1000)
	for i := range b.st.Shards {
		s := &b.st.Shards[i]
		s.UserRecordsPut += 10
		s.KinesisRecordsPut++
		s.KinesisBytesPut += 1000
		if i%8 == 0 { // one shard in 8 is throttled; its error map is new, as the producer's are
			s.Throttles++
			s.ErrorsByCode = map[string]int64{"ProvisionedThroughputExceededException": s.Throttles}
		}
		s.RecordTokens = float64((b.n + int64(i)) % 1000)
	}
	return b.st
}

// BenchmarkSample times one sampler tick: reading the sources, computing every series for the
// stream and each shard (latency percentiles included), and storing them.
func BenchmarkSample(b *testing.B) {
	for _, shards := range []int{64, 512} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			s, err := metrics.NewSampler(metrics.Config{Stream: "s", Producer: newBenchSource(shards)})
			if err != nil {
				b.Fatal(err)
			}
			now := t0
			s.Sample(now)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				now = now.Add(250 * time.Millisecond)
				s.Sample(now)
			}
		})
	}
}
