package advisor

import (
	"fmt"
	"math"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// outsideRecordBound: writes are refused at the 1,000 records/s limit while the bytes are far
// under 1 MiB/s — many small records, each counted alone. Per shard from the shard figures
// (shard-level CloudWatch or the sample), else stream-wide from CloudWatch's sums per open
// shard. The sample says whether the records are KPL aggregates already; aggregation packs
// small records so the bytes limit binds instead.
func outsideRecordBound(o *outside) []metrics.Finding {
	if o.n == 0 || !(o.throttledAny || anyShardThrottling(o.shards)) {
		return nil
	}
	var bound []string
	var records, bytes, recordsUtil, bytesUtil float64
	for _, s := range o.shards {
		ru, bu := s.peakRecords/shardRecordsPerSec, s.peakBytes/shardBytesPerSec
		if ru >= loadedUtil && bu < 0.5 && (s.throttling() || o.throttledAny && !(s.throttled == 0)) {
			bound = append(bound, s.id)
			records += s.records
			bytes += s.bytes
			recordsUtil += ru
			bytesUtil += bu
		}
	}
	b := o.shardBasis
	if len(bound) > 0 {
		recordsUtil /= float64(len(bound))
		bytesUtil /= float64(len(bound))
		if o.cw && o.v.ShardLevel == nil {
			b = basis(o.shardBasis, "throttles "+o.cwBasis)
		}
	} else if o.cw && o.throttledAny {
		recordsUtil, bytesUtil = o.peakRecords/float64(o.n*shardRecordsPerSec), o.peakBytes/float64(o.n*shardBytesPerSec)
		if !(recordsUtil >= loadedUtil && bytesUtil < 0.5) {
			return nil
		}
		records, bytes, b = o.peakRecords, o.peakBytes, o.cwBasis
		for _, r := range o.v.Stream.Shards {
			bound = append(bound, r.ShardID)
		}
	} else {
		return nil
	}
	if !(records > 0) {
		return nil
	}
	size := math.Min(bytes/records, maxRecordBytes) // mean Kinesis record: data + partition key
	perShard := aggregatedPerShard(size)
	gain := perShard / shardRecordsPerSec
	f := metrics.Finding{
		Rule: "record-bound", Severity: Warning, Title: "Records limit binds, not bytes",
		Summary: fmt.Sprintf("%s at %s of the 1,000 records/s limit at their peak but only %s of 1 MiB/s: Kinesis records average %.0f bytes",
			shardList(bound, o.n), pct(recordsUtil), pct(bytesUtil), size),
		Evidence: map[string]any{
			"shards": bound, "records_limit_utilization": round3(recordsUtil), "bytes_limit_utilization": round3(bytesUtil),
			"mean_record_bytes": round3(size), "expected_records_per_shard_per_sec": round3(perShard), "expected_gain": round3(gain),
		},
		Basis: b,
	}
	s := o.v.Sample
	switch {
	case sampleUnaggregated(s):
		f.Summary += fmt.Sprintf(", and the sample shows them unaggregated (%s of %s records are KPL aggregates)", count(float64(s.Aggregated)), count(float64(s.KinesisRecords)))
		f.Advice = fmt.Sprintf("Aggregate the records (the KPL with AggregationEnabled=true, its default, or a KPL-format aggregation library): %s (×%.1f). %s", aggregationGain(size, 0), gain, deaggregateNote)
		f.Evidence["aggregated_fraction"] = round3(float64(s.Aggregated) / float64(s.KinesisRecords))
		f.Basis = withSampleBasis(f.Basis, "aggregation", s)
	case s != nil && s.KinesisRecords > 0:
		ratio := math.Max(1, float64(s.UserRecords)/float64(s.KinesisRecords))
		// Kinesis records are aggregates here: what a shard carries depends on the user records' size.
		perShard = aggregatedPerShard(size / ratio)
		gain = perShard / (ratio * shardRecordsPerSec)
		f.Evidence["expected_records_per_shard_per_sec"], f.Evidence["expected_gain"] = round3(perShard), round3(gain)
		f.Summary += fmt.Sprintf(", and the sample shows KPL aggregates holding only %.1f user records each", ratio)
		f.Advice = fmt.Sprintf("Aggregates hold only %.1f records each: raise RecordMaxBufferedTime so more records meet in an aggregate (the KPL default is 100 ms), and check AggregationMaxCount; at 1 MiB/s a shard would carry about %s records/s (×%.1f).",
			ratio, count(perShard), gain)
		f.Evidence["user_records_per_kinesis_record"] = round3(ratio)
		f.Basis = withSampleBasis(f.Basis, "aggregation", s)
	default:
		f.Summary += "; whether they are KPL aggregates is not known without the record sample"
		f.Advice = fmt.Sprintf("If the records are not aggregated, aggregate them (the KPL with AggregationEnabled=true, its default, or a KPL-format aggregation library): %s (×%.1f). %s If they are, raise RecordMaxBufferedTime so more records meet in an aggregate.",
			aggregationGain(size, 0), gain, deaggregateNote)
	}
	return []metrics.Finding{f}
}

func anyShardThrottling(shards []outsideShard) bool {
	for _, s := range shards {
		if s.throttling() {
			return true
		}
	}
	return false
}

// withSampleBasis adds what the sample shows to a basis, unless the basis is the sample already.
func withSampleBasis(b, what string, s *metrics.RecordSample) string {
	if strings.Contains(b, sampleText(s)) {
		return b
	}
	return basis(b, what+" from "+sampleText(s))
}
