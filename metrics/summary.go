package metrics

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// SummaryVersion is Summary.SchemaVersion: it changes when a field changes meaning. Version 2:
// the accounting counts records by outcome (acknowledged, maybe stored, not stored, never sent)
// where version 1 had succeeded, failed (expiry excluded) and expired.
const SummaryVersion = 2

// Summary is the end-of-run report, written as JSON by WriteJSON and described by the JSON
// Schema SummarySchema (summary.schema.json). Counts are cumulative since the producer started;
// rates cover the sampler's span, from its first sample (the baseline) to the last.
type Summary struct {
	SchemaVersion int    `json:"schema_version"`
	Stream        string `json:"stream"`
	// Producer is the profile that loaded the stream (shardstorm, kpl, putrecords, putrecord).
	Producer string `json:"producer,omitempty"`
	// Config is the run's configuration as the caller passed it, opaque here.
	Config          any           `json:"config"`
	Started         time.Time     `json:"started"`
	Ended           time.Time     `json:"ended"`
	DurationSeconds float64       `json:"duration_seconds"`
	Samples         int64         `json:"samples"`
	Totals          SummaryTotals `json:"totals"`
	// Workload is null without a workload source.
	Workload   *WorkloadTotals `json:"workload"`
	Accounting Accounting      `json:"accounting"`
	Throughput Throughput      `json:"throughput"`
	Latency    LatencySummary  `json:"latency_ms"`
	Shards     []ShardSummary  `json:"shards"`
	// Findings are the advisor's diagnoses: every finding raised during the run, with its
	// latest figures, most severe first ([] when none, or when no advisor ran).
	Findings []Finding `json:"findings"`
	// Verify is the read-back's check of the run (shardstorm run --verify); absent without it.
	Verify *VerifySummary `json:"verify,omitempty"`
	// Fleet is the clients of a fleet of simple clients (--producer putrecords|putrecord);
	// absent for shardstorm's engine.
	Fleet *FleetSummary `json:"fleet,omitempty"`
}

// SummaryTotals are the producer's counts for the whole run.
type SummaryTotals struct {
	UserRecordsReceived int64 `json:"user_records_received"`
	UserRecordsPut      int64 `json:"user_records_put"`
	UserBytesPut        int64 `json:"user_bytes_put"`
	KinesisRecordsPut   int64 `json:"kinesis_records_put"`
	KinesisBytesPut     int64 `json:"kinesis_bytes_put"`
	Requests            int64 `json:"requests"`
	// ThrottledRecords counts Kinesis records refused with ProvisionedThroughputExceededException.
	ThrottledRecords int64 `json:"throttled_records"`
	Retries          int64 `json:"retries"`
	// Failed counts user records resolved with an error, Expired included.
	Failed            int64 `json:"failed"`
	Expired           int64 `json:"expired"`
	Pending           int64 `json:"pending"`
	WrongShardResends int64 `json:"wrong_shard_resends"`
	ShardMapChanges   int64 `json:"shard_map_changes"`
	// ErrorsByCode counts failed attempts (not records) by error code.
	ErrorsByCode map[string]int64 `json:"errors_by_code"`
}

// WorkloadTotals are the generator's counts (see workload.Stats).
type WorkloadTotals struct {
	Scheduled     uint64  `json:"scheduled"`
	Emitted       uint64  `json:"emitted"`
	EmittedBytes  uint64  `json:"emitted_bytes"`
	Late          uint64  `json:"late"`
	Dropped       uint64  `json:"dropped"`
	DroppedBehind uint64  `json:"dropped_behind"`
	DroppedFull   uint64  `json:"dropped_full"`
	Failed        uint64  `json:"failed"`
	MaxLagMs      float64 `json:"max_lag_ms"`
	Shape         string  `json:"shape"`
	Keys          string  `json:"keys"`
	Size          string  `json:"size"`
	Payload       string  `json:"payload"`
	Seed          uint64  `json:"seed"`
}

// AccountingIdentity is what Accounting checks: every scheduled record in exactly one category.
const AccountingIdentity = "scheduled = acknowledged + maybe_stored + not_stored + never_sent + dropped + pending"

// Accounting checks that every record is accounted for — nothing lost, nothing counted twice —
// and says what each resolved record's fate means for the stream (producer.Outcome). With a
// workload, scheduled and dropped are the generator's, the rest the producer's; without one,
// scheduled is what the producer accepted and dropped is 0.
type Accounting struct {
	Identity string `json:"identity"`
	// ScheduledSource is "workload" or "producer".
	ScheduledSource string `json:"scheduled_source"`
	Scheduled       int64  `json:"scheduled"`
	// Acknowledged: the service answered with a sequence number.
	Acknowledged int64 `json:"acknowledged"`
	// MaybeStored: failed, but an attempt got no answer (timed out, connection lost, abandoned
	// at close): the stream may hold them.
	MaybeStored int64 `json:"maybe_stored"`
	// NotStored: failed, every attempt answered with an error.
	NotStored int64 `json:"not_stored"`
	// NeverSent: failed before any attempt (expired in the buffer, closed), plus records the
	// sink refused with an error (the generator's Failed, normally 0).
	NeverSent int64 `json:"never_sent"`
	Dropped   int64 `json:"dropped"`
	Pending   int64 `json:"pending"`
	// Failed = MaybeStored + NotStored + NeverSent: a total, not a term of the identity.
	// Expired is the reason breakdown: of the failed, those whose RecordTtl passed.
	Failed  int64 `json:"failed"`
	Expired int64 `json:"expired"`
	// PossibleDuplicates are acknowledged records an earlier, unanswered attempt may have
	// stored too (of Acknowledged; not a term of the identity).
	PossibleDuplicates int64 `json:"possible_duplicates"`
	// Difference is scheduled − (the sum of the terms); Holds is Difference == 0. It holds for
	// a finished run (producer closed, generator returned); mid-run, records being handed over
	// can make it differ by a few.
	Difference int64 `json:"difference"`
	Holds      bool  `json:"holds"`
}

// Throughput is over the sampler's span (Seconds). Percentages of capacity divide by the
// write limits of the shards open at each sample, times the interval (CapacityShardSeconds).
type Throughput struct {
	Seconds              float64 `json:"seconds"`
	OfferedRecordsPerSec Float   `json:"offered_records_per_sec"`
	// OfferedMiBPerSec is null when the offered source does not count bytes.
	OfferedMiBPerSec     Float   `json:"offered_mib_per_sec"`
	UserRecordsPerSec    Float   `json:"user_records_per_sec"`
	UserMiBPerSec        Float   `json:"user_mib_per_sec"`
	KinesisRecordsPerSec Float   `json:"kinesis_records_per_sec"`
	KinesisMiBPerSec     Float   `json:"kinesis_mib_per_sec"`
	CapacityShardSeconds float64 `json:"capacity_shard_seconds"`
	RecordsPctOfCapacity Float   `json:"records_pct_of_capacity"`
	BytesPctOfCapacity   Float   `json:"bytes_pct_of_capacity"`
	// ThrottledFraction is throttled / (throttled + put) Kinesis records over the whole run.
	ThrottledFraction           Float `json:"throttled_fraction"`
	UserRecordsPerKinesisRecord Float `json:"user_records_per_kinesis_record"`
	KinesisRecordsPerRequest    Float `json:"kinesis_records_per_request"`
}

// LatencySummary holds the whole run's latencies, from the producer's cumulative histograms.
type LatencySummary struct {
	Buffering LatencyStats `json:"buffering"`
	Request   LatencyStats `json:"request"`
	EndToEnd  LatencyStats `json:"end_to_end"`
}

// LatencyStats are in milliseconds; null when nothing was recorded.
type LatencyStats struct {
	Count int64 `json:"count"`
	P50   Float `json:"p50"`
	P90   Float `json:"p90"`
	P99   Float `json:"p99"`
	Max   Float `json:"max"`
	Mean  Float `json:"mean"`
}

// ShardSummary is one shard's row: every shard the sampler saw, retired ones included. Counts
// are the producer's at the last sample that listed the shard; rates are over the span between
// the first and the last sample that listed it.
type ShardSummary struct {
	ShardID   string    `json:"shard_id"`
	Open      bool      `json:"open"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// OfferedRecords and OfferedBytes are null without an OfferCounter.
	OfferedRecords    *int64           `json:"offered_records"`
	OfferedBytes      *int64           `json:"offered_bytes"`
	UserRecordsPut    int64            `json:"user_records_put"`
	UserBytesPut      int64            `json:"user_bytes_put"`
	KinesisRecordsPut int64            `json:"kinesis_records_put"`
	KinesisBytesPut   int64            `json:"kinesis_bytes_put"`
	ThrottledRecords  int64            `json:"throttled_records"`
	Retries           int64            `json:"retries"`
	Failed            int64            `json:"failed"`
	Expired           int64            `json:"expired"`
	ErrorsByCode      map[string]int64 `json:"errors_by_code"`
	ThrottledFraction Float            `json:"throttled_fraction"`
	KinesisMiBPerSec  Float            `json:"kinesis_mib_per_sec"`
	// BytesPctOfCapacity and RecordsPctOfCapacity are of one shard's write limits.
	BytesPctOfCapacity   Float `json:"bytes_pct_of_capacity"`
	RecordsPctOfCapacity Float `json:"records_pct_of_capacity"`
}

// Finding is one diagnosis of what limits the producer, as the advisor gives it: what it is, the
// figures that show it, and what to do, with numbers.
type Finding struct {
	// Rule is a stable identifier, e.g. "hot-shard" or "stream-capacity".
	Rule string `json:"rule"`
	// Severity is "info", "warning" or "critical".
	Severity string `json:"severity"`
	// Title names the limit in a few words; Summary gives the evidence in a sentence with its
	// figures; Advice says what to do, with numbers.
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Advice  string `json:"advice,omitempty"`
	// ShardID, Key and API name what the finding is about, when it is about one shard, one
	// partition key or one API operation.
	ShardID string `json:"shard_id,omitempty"`
	Key     string `json:"key,omitempty"`
	API     string `json:"api,omitempty"`
	// Evidence holds the figures behind the finding, by name.
	Evidence map[string]any `json:"evidence,omitempty"`
	// Basis says which source the finding rests on and at what resolution, when that is not
	// the producer's own figures: "from 1-minute CloudWatch sums", "key from a 1-second sample
	// of 3 of 8 shards", "from the KPL's metrics (KinesisProducerLibrary)". Watch mode sets it.
	Basis string `json:"basis,omitempty"`
	// FirstSeen is when the finding was raised, LastSeen the latest evaluation that still found
	// it; Active is false once its cause has gone (the report keeps it with its last figures).
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Active    bool      `json:"active"`
}

// ID identifies a finding across evaluations: its rule and what it is about.
func (f *Finding) ID() string { return f.Rule + "|" + f.ShardID + "|" + f.Key + "|" + f.API }

// WriteJSON writes the summary as indented JSON.
func (sum *Summary) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return fmt.Errorf("metrics: summary: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Float is a float64 that has no value when NaN (a ratio of nothing, a percentile of no
// records): JSON null, as JSON has no NaN.
type Float float64

// MarshalJSON writes null for NaN and ±Inf.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	*f = Float(x)
	return err
}
