package advisor

import (
	"fmt"
	"math"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// Bytes of framing an aggregated user record costs beside its data and partition key: the
// protobuf tags and lengths (keys are in a table, once per aggregate; this counts them once per
// record, the worst case of all-distinct keys).
const aggFramingPerRecord = 8

// recordBound: shards at the 1000 records/s limit while far under 1 MiB/s. Small records pay the
// per-record limit long before the bytes limit; aggregation packs many into one Kinesis record.
func recordBound(w *window, d demand, loads []shardLoad) []metrics.Finding {
	if !w.enough() || d.recordSize < 1 || !(d.records > 0) {
		return nil
	}
	var bound []string
	var recordsUtil, bytesUtil float64
	for _, l := range loads {
		if l.recordsUtil >= loadedUtil && l.bytesUtil < 0.5 && (l.throttling() || l.limiter > 0) {
			bound = append(bound, l.id)
			recordsUtil += l.recordsUtil
			bytesUtil += l.bytesUtil
		}
	}
	if len(bound) == 0 {
		return nil
	}
	recordsUtil /= float64(len(bound))
	bytesUtil /= float64(len(bound))
	n := len(loads)
	// What a shard carries when bytes, not records, bind: 1 MiB/s of aggregated records.
	perShard := aggregatedPerShard(d.recordSize)
	delivered := nanTo(w.mean(metrics.UserRecordsPut), 0)
	expected := math.Min(d.records, float64(n)*perShard*0.95)
	gain := expected / math.Max(delivered, 1)
	f := metrics.Finding{
		Rule: "record-bound", Severity: Warning, Title: "Records limit binds, not bytes",
		Summary: fmt.Sprintf("%s at %s of the 1,000 records/s limit but only %s of 1 MiB/s: records average %.0f bytes (%s records/s asked, %s delivered)",
			shardList(bound, n), pct(recordsUtil), pct(bytesUtil), d.recordSize, count(d.records), count(delivered)),
		Evidence: map[string]any{
			"shards": bound, "records_limit_utilization": round3(recordsUtil), "bytes_limit_utilization": round3(bytesUtil),
			"mean_record_bytes": round3(d.recordSize), "aggregation_enabled": w.settings.Aggregation,
			"user_records_per_kinesis_record": round3(d.aggRatio), "delivered_records_per_sec": round3(delivered),
			"expected_records_per_sec": round3(expected), "expected_gain": round3(gain),
		},
	}
	// A gain is computed over what is delivered: over nothing it would read "×3000".
	gainText, gainShort := fmt.Sprintf(" instead of %s (×%.1f)", count(delivered), gain), fmt.Sprintf(" (×%.1f)", gain)
	if !(delivered >= 1) {
		gainText, gainShort = "", ""
		delete(f.Evidence, "expected_gain")
	}
	switch {
	case w.settings.Fleet():
		// Simple clients have no aggregation setting: the records must be packed by the client.
		f.Advice = fmt.Sprintf("These clients send one Kinesis record per user record: pack several into KPL-format aggregates before sending (aws-kinesis-agg for Node, Python and Java, or the KPL itself on a server): %s; at this demand that delivers %s records/s%s. %s",
			aggregationGain(d.recordSize, kplAggregationMaxSize), count(expected), gainText, deaggregateNote)
	case !w.settings.Aggregation:
		f.Advice = fmt.Sprintf("Enable aggregation (AggregationEnabled=true, the KPL default): %s; at this demand that delivers %s records/s%s. %s",
			aggregationGain(d.recordSize, w.settings.AggregationMaxSize), count(expected), gainText, deaggregateNote)
	default:
		f.Advice = fmt.Sprintf("Aggregates hold only %.1f records each: raise RecordMaxBufferedTime (now %s) so more records meet in an aggregate, and check AggregationMaxCount; at 1 MiB/s a shard would carry about %s records/s%s.",
			d.aggRatio, dur(w.settings.RecordMaxBufferedTime), count(perShard), gainShort)
	}
	return []metrics.Finding{f}
}

// kplAggregationMaxSize is the KPL's default AggregationMaxSize: the size of an aggregate.
const kplAggregationMaxSize = 51200

// deaggregateNote reminds that aggregated records need deaggregating consumers.
const deaggregateNote = "Consumers deaggregate with the KCL (or kpl-aggregation libraries)."

// aggregatedPerShard is how many user records of size bytes a shard carries per second when
// they are aggregated: its 1 MiB/s bytes limit binds instead of its 1,000 records/s.
func aggregatedPerShard(size float64) float64 {
	return shardBytesPerSec / (size + aggFramingPerRecord)
}

// perAggregate is how many user records of size bytes fit one aggregate of maxSize bytes (at
// least the KPL's default size).
func perAggregate(size float64, maxSize int) float64 {
	return math.Floor(float64(max(maxSize, kplAggregationMaxSize)) / (size + aggFramingPerRecord))
}

// aggregationGain says what aggregation does for records of size bytes.
func aggregationGain(size float64, maxSize int) string {
	return fmt.Sprintf("%.0f-byte records pack about %s to a 50 KB Kinesis record, so a shard carries about %s records/s before its 1 MiB/s limit instead of 1,000",
		size, count(perAggregate(size, maxSize)), count(aggregatedPerShard(size)))
}

// shardList names a few shards, or says "all N shards".
func shardList(ids []string, n int) string {
	switch {
	case len(ids) == n && n > 1:
		return fmt.Sprintf("all %d shards are", n)
	case len(ids) == n:
		return "the stream's only shard is"
	case len(ids) == 1:
		return ids[0] + " is"
	case len(ids) <= 3:
		return strings.Join(ids, ", ") + " are"
	}
	return fmt.Sprintf("%s and %d more are", strings.Join(ids[:3], ", "), len(ids)-3)
}
