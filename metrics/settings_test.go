package metrics_test

import (
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// A snapshot carries the producer's current settings and the per-shard figures a diagnosis
// reads, in metrics' own types: the advisor reads them without importing the producer.
func TestSnapshotCarriesWhatTheAdvisorWeighs(t *testing.T) {
	a := "shardId-000000000000"
	fp := newFakeProducer(a)
	fp.edit(func(st *producer.Stats) {
		st.Stream.MaxConnections, st.Stream.RateLimit = 12, 80
		st.Stream.AggregationEnabled, st.Stream.AdaptiveEnabled = true, false
		st.Stream.RecordTtl, st.Stream.RecordMaxBufferedTime = 7*time.Second, 300*time.Millisecond
		st.Stream.MaxBufferedRecords, st.Stream.MaxBufferedBytes, st.Stream.AggregationMaxSize = 5000, 1<<22, 51200
		sa := shardOf(st, a)
		sa.StartingHashKey, sa.EndingHashKey = "0", "340282366920938463463374607431768211455"
		sa.LimiterRecords, sa.BacklogRefused = 42, 9
	})
	s := newSampler(t, metrics.Config{Stream: "s", Producer: fp})
	snap := s.Sample(t0)
	want := metrics.ProducerSettings{Profile: "shardstorm", MaxConnections: 12, RateLimit: 80, Aggregation: true, Adaptive: false,
		RecordTtl: 7 * time.Second, RecordMaxBufferedTime: 300 * time.Millisecond,
		MaxBufferedRecords: 5000, MaxBufferedBytes: 1 << 22, AggregationMaxSize: 51200}
	if snap.Settings != want {
		t.Fatalf("settings %+v, want %+v", snap.Settings, want)
	}
	sv := snap.Shard(a)
	if sv == nil || sv.StartingHashKey != "0" || sv.EndingHashKey != "340282366920938463463374607431768211455" ||
		sv.LimiterRecords != 42 || sv.BacklogRefused != 9 {
		t.Fatalf("shard figures %+v", sv)
	}
}
