package metrics

import (
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// ProducerSettings are the producer's settings at a sample (the current ones, after
// Reconfigure): what a diagnosis weighs the figures against. They are metrics' own copy, so a
// reader of snapshots (the advisor) does not depend on the producer package.
type ProducerSettings struct {
	// Profile names the producer: shardstorm (its engine), kpl (the same as the KPL behaves),
	// putrecords or putrecord (a fleet of simple clients, which has no limiter, aggregation or
	// buffer bounds: those fields are zero).
	Profile               string
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

func settingsOf(st *producer.StreamStats, profile string) ProducerSettings {
	if profile == "" {
		profile = "shardstorm"
	}
	return ProducerSettings{Profile: profile,
		MaxConnections: st.MaxConnections, RateLimit: st.RateLimit,
		Aggregation: st.AggregationEnabled, Adaptive: st.AdaptiveEnabled,
		RecordTtl: st.RecordTtl, RecordMaxBufferedTime: st.RecordMaxBufferedTime,
		MaxBufferedRecords: st.MaxBufferedRecords, MaxBufferedBytes: st.MaxBufferedBytes,
		AggregationMaxSize: st.AggregationMaxSize,
	}
}

// Fleet reports whether the producer is a fleet of simple clients (putrecords, putrecord).
func (s ProducerSettings) Fleet() bool { return s.Profile == "putrecords" || s.Profile == "putrecord" }
