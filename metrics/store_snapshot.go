package metrics

import (
	"time"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// Snapshot is one sample: every metric for the stream and each current shard, the cumulative
// totals, and the readings they came from. Snapshots are immutable once published: keep them.
type Snapshot struct {
	// Seq numbers samples from 0.
	Seq int64
	// Time is when the sample was taken; Interval the time since the previous one, over which
	// the rates are computed (0 for the first sample, whose rates are NaN).
	Time     time.Time
	Interval time.Duration
	Stream   Values
	// Shards are the shards of the producer's current map, by hash range.
	Shards []ShardValues
	Totals Totals
	// Settings are the producer's settings at this sample.
	Settings ProducerSettings
	// Producer and Workload are the readings (Workload nil without a workload source), for
	// exports and views that show raw counters. Diagnosis reads Settings and Shards instead, so
	// the advisor needs nothing from the producer package.
	Producer producer.Stats
	Workload *workload.Stats
	// Fleet is the clients of a fleet of simple clients; nil for shardstorm's engine.
	Fleet *FleetClients

	shardOffers bool // the shards' offered counts are measured (an OfferCounter is set)
}

// Values are one sample of every metric, for the stream or one shard. Get returns NaN for a
// metric with no value: not measured at this level or by these sources, or nothing to report in
// the interval (a ratio with nothing to divide, a percentile of no records).
type Values struct {
	v [numMetrics]float64
	// Errors are failed attempts/s by error code in the interval; nil when there were none.
	Errors map[string]float64
}

// Get returns the value of m.
func (v *Values) Get(m Metric) float64 {
	if m >= numMetrics {
		return nan
	}
	return v.v[m]
}

func (v *Values) reset() {
	for i := range v.v {
		v.v[i] = nan
	}
}

// ShardValues are one shard's values with its cumulative offered counts (0 without an
// OfferCounter) and the producer's figures a diagnosis reads; its other counters are in
// Snapshot.Producer.Shards.
type ShardValues struct {
	ShardID string
	// StartingHashKey and EndingHashKey are the shard's hash key range, decimal.
	StartingHashKey, EndingHashKey string
	Values
	OfferedRecords, OfferedBytes int64
	// LimiterRecords are the user records the producer's own rate limiter holds back (a
	// level). BacklogRefused counts, since the producer started, the Puts refused or held
	// because the shard held more than it can deliver within RecordTtl.
	LimiterRecords, BacklogRefused int64
}

// Totals are the stream's cumulative counts that the producer's stream figures do not hold:
// throttles and errors are counted per shard, and the shards of the current map lose those of
// retired shards, so the sampler adds up each shard's growth while it is listed. (What a shard
// counts after it leaves the map — answers to its last requests in flight — is not seen.)
type Totals struct {
	ThrottledRecords int64
	ErrorsByCode     map[string]int64
	// OfferedRecords and OfferedBytes come from the same source as the offered_* series;
	// OfferedBytes is -1 when that source does not count bytes.
	OfferedRecords, OfferedBytes int64
	// Outcomes are the records resolved so far by outcome (what the progress lines show).
	Outcomes Outcomes
}

// Shard returns the values of a current shard, or nil.
func (s *Snapshot) Shard(id string) *ShardValues {
	for i := range s.Shards {
		if s.Shards[i].ShardID == id {
			return &s.Shards[i]
		}
	}
	return nil
}

// NewValues returns Values with no metric set (all NaN), for sources other than the Sampler:
// replays of recorded runs and tests of what reads snapshots.
func NewValues() Values {
	var v Values
	v.reset()
	return v
}

// Set sets the value of m (a metric out of range is ignored).
func (v *Values) Set(m Metric, x float64) {
	if m < numMetrics {
		v.v[m] = x
	}
}
