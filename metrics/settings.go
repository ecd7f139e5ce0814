package metrics

import (
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// ProducerSettings are the producer's settings at a sample (the current ones, after
// Reconfigure): what a diagnosis weighs the figures against. They are metrics' own copy, so a
// reader of snapshots (the advisor) does not depend on the producer package.
type ProducerSettings struct {
	MaxConnections        int
	RateLimit             float64 // % of the shard limits
	Aggregation           bool
	Adaptive              bool // per-shard adaptive rate limiting
	RecordTtl             time.Duration
	RecordMaxBufferedTime time.Duration
	MaxBufferedRecords    int
	MaxBufferedBytes      int64
	AggregationMaxSize    int
}

// DefaultRecordTtl is the producer's default RecordTtl (the KPL's, 30 s), for advice that
// names it.
const DefaultRecordTtl = producer.DefaultRecordTtl

func settingsOf(st *producer.StreamStats) ProducerSettings {
	return ProducerSettings{
		MaxConnections: st.MaxConnections, RateLimit: st.RateLimit,
		Aggregation: st.AggregationEnabled, Adaptive: st.AdaptiveEnabled,
		RecordTtl: st.RecordTtl, RecordMaxBufferedTime: st.RecordMaxBufferedTime,
		MaxBufferedRecords: st.MaxBufferedRecords, MaxBufferedBytes: st.MaxBufferedBytes,
		AggregationMaxSize: st.AggregationMaxSize,
	}
}
