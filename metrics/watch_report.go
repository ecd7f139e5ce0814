package metrics

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	_ "embed"
)

// WatchReport is the end-of-watch report of `shardstorm watch --headless --report FILE`: what
// was watched of a stream others load, from which sources, what the advisor found and what
// could not be seen. Its JSON schema is watch_report.schema.json; findings are the same
// Finding as the run summary's.
type WatchReport struct {
	SchemaVersion   int       `json:"schema_version"` // WatchReportVersion
	Stream          string    `json:"stream"`
	Started         time.Time `json:"started"`
	Ended           time.Time `json:"ended"`
	DurationSeconds float64   `json:"duration_seconds"`
	// Sources lists every source, read or not, as they stood at the end.
	Sources []Source     `json:"sources"`
	Figures WatchFigures `json:"figures"`
	// Findings: every finding raised during the watch, with its latest figures, most severe first.
	Findings []Finding `json:"findings"`
	// Unseen lists what cannot be seen from outside the producer.
	Unseen []string `json:"unseen"`
}

// WatchReportVersion is the schema version a WatchReport is written with.
const WatchReportVersion = 1

// WatchFigures are the figures watched, over the complete CloudWatch periods seen during the
// watch. A figure no source gave is null.
type WatchFigures struct {
	// PeriodSeconds is the CloudWatch period of every figure; Periods how many complete periods
	// of the stream's metrics were seen.
	PeriodSeconds float64 `json:"period_seconds"`
	Periods       int     `json:"periods"`
	OpenShards    int     `json:"open_shards"`
	// Stream: from the stream-level AWS/Kinesis metrics.
	Stream WatchRates `json:"stream"`
	// Shards: per open shard, from the shard-level metrics (empty while enhanced monitoring is off).
	Shards []WatchShardRates `json:"shards"`
	// Agents: per shardstorm agent that published metrics, and their sums (nil: none published).
	Agents      []WatchAgentRates `json:"agents,omitempty"`
	AgentsTotal *WatchAgentRates  `json:"agents_total,omitempty"`
}

// WatchRates are mean and peak (highest one-period) rates per second, and the throttled
// records (WriteProvisionedThroughputExceeded) in all and per second.
type WatchRates struct {
	RecordsPerSec       Float `json:"records_per_sec"`
	PeakRecordsPerSec   Float `json:"peak_records_per_sec"`
	BytesPerSec         Float `json:"bytes_per_sec"`
	PeakBytesPerSec     Float `json:"peak_bytes_per_sec"`
	Throttled           Float `json:"throttled"`
	ThrottledPerSec     Float `json:"throttled_per_sec"`
	PeakThrottledPerSec Float `json:"peak_throttled_per_sec"`
}

// WatchShardRates are one shard's rates.
type WatchShardRates struct {
	ShardID string `json:"shard_id"`
	WatchRates
}

// WatchAgentRates are one agent's published rates (user records and their bytes put, errors);
// Agent is "" for the sums over all agents.
//
// Records and Errors are totals over every period the watch read: with the watch running from
// before an agent starts until after it ends, Records is what that agent's producer
// acknowledged (its final publication follows its drain).
type WatchAgentRates struct {
	Records       Float  `json:"records"`
	Errors        Float  `json:"errors"`
	Agent         string `json:"agent,omitempty"`
	RecordsPerSec Float  `json:"records_per_sec"`
	BytesPerSec   Float  `json:"bytes_per_sec"`
	ErrorsPerSec  Float  `json:"errors_per_sec"`
}

// WriteJSON writes the report as indented JSON.
func (r *WatchReport) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("metrics: watch report: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// watchReportSchema is watch_report.schema.json: the JSON Schema (draft 2020-12) of a
// WatchReport's JSON.
//
//go:embed watch_report.schema.json
var watchReportSchema []byte

// WatchReportSchema returns the JSON Schema of the watch report's JSON; the slice is a copy.
func WatchReportSchema() []byte { return append([]byte(nil), watchReportSchema...) }
