package advisor

import (
	"fmt"
	"math"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// AWS's rule ("Troubleshooting Amazon Kinesis Data Streams Producers", "Service Limits
// Exceeded"): "round up to the nearest kilobyte for throughput throttling calculations when
// using the single-record operation PutRecord, while the multi-record operation PutRecords
// rounds on the cumulative sum of the records in each call". A 1,100-byte record sent alone
// counts 2 KiB against its shard's 1 MiB/s: 512 records/s a shard instead of 953.
const (
	// roundingLossFloor is the least share of a shard's PutRecord throughput the rounding must
	// cost to be worth a finding (records of 1 KiB or less lose none: 1,000 records/s of
	// 1 KiB is under 1 MiB/s, so the records limit binds first).
	roundingLossFloor = 0.10
	// roundingNearLimit is the share of the bytes limit, counted as AWS counts it, at which the
	// rounding is about to throttle.
	roundingNearLimit = 0.8
	// roundingPutRecordShare is the least share of the accepted records that come by PutRecord
	// for the rounding to matter to the stream.
	roundingPutRecordShare = 0.25
)

// roundUpKiB is n bytes rounded up to whole KiB.
func roundUpKiB(n float64) float64 { return math.Ceil(n/1024) * 1024 }

// shardRecordsAt is what one shard accepts per second of records that each count charge
// bytes against the bytes limit: the lower of the two limits.
func shardRecordsAt(charge float64) float64 {
	return math.Min(shardRecordsPerSec, shardBytesPerSec/charge)
}

// outsidePutRecordRounding: the stream's PutRecord records have a mean size the 1 KiB rounding
// inflates by a meaningful share of the bytes limit, and the stream, counted as AWS counts
// PutRecord, is near that limit or refuses writes. PutRecords, which rounds a call's sum once,
// would carry the same records for a fraction of a KiB each.
func outsidePutRecordRounding(o *outside) []metrics.Finding {
	k := o.v.Kinesis
	if !o.cw || o.n == 0 || !(o.records > 0) || !(o.bytes > 0) || math.IsInf(o.records, 0) || math.IsInf(o.bytes, 0) {
		return nil
	}
	calls, sent := k.Rate(streamSum("PutRecord.Success")), k.Rate(streamSum("PutRecord.Bytes"))
	if !(calls > 0) || !(sent > 0) || math.IsInf(calls, 0) || math.IsInf(sent, 0) {
		return nil
	}
	size := sent / calls // each successful PutRecord is one record
	share := math.Min(calls/o.records, 1)
	if share < roundingPutRecordShare || size > 10*shardBytesPerSec {
		return nil
	}
	charge := roundUpKiB(size)
	wasted := 1 - size/charge                               // of the bytes each PutRecord record is charged
	loss := 1 - shardRecordsAt(charge)/shardRecordsAt(size) // of the records a shard takes by PutRecord
	if loss < roundingLossFloor {
		return nil
	}
	// The stream's bytes as AWS counts them: PutRecord's rounded, the rest as sent (PutRecords
	// rounds a call's sum once: at most a KiB a call), scaled to the busiest period.
	inflation := (calls*charge + math.Max(o.bytes-sent, 0)) / o.bytes
	counted := utilization(0, nanTo(o.peakBytes, o.bytes)*inflation, o.n)
	if counted < roundingNearLimit && !o.throttledAny {
		return nil
	}
	f := metrics.Finding{
		Rule: "putrecord-rounding", Severity: Info, Title: "PutRecord's 1 KiB rounding wastes the shards' byte capacity",
		Summary: fmt.Sprintf("%s of the records come one PutRecord each, %s on average: AWS counts each as %s against the shard's 1 MiB/s, "+
			"so %s of the byte capacity they use is rounding and a shard takes %s of them a second instead of %s (%s fewer); "+
			"counted that way the stream's busiest %s used %s of its bytes limit",
			pct(share), bytesText(size), bytesText(charge), pct(wasted), count(shardRecordsAt(charge)), count(shardRecordsAt(size)), pct(loss),
			periodWord(o.period), pct(counted)),
		Evidence: map[string]any{
			"putrecord_calls_per_sec": round3(calls), "putrecord_share_of_records": round3(share),
			"putrecord_mean_record_bytes": round3(size), "charged_bytes_per_record": charge,
			"wasted_fraction_of_bytes": round3(wasted), "shard_records_per_sec_rounded": round3(shardRecordsAt(charge)),
			"shard_records_per_sec_unrounded": round3(shardRecordsAt(size)), "counted_bytes_utilization": round3(counted),
			"open_shards": o.n,
		},
		Basis: o.cwBasis,
		Advice: fmt.Sprintf("PutRecords rounds the sum of a call's records once, not each record: records of %s batched cost a shard "+
			"their bytes (up to %s records/s a shard), not %s each. %s. The figure is at the mean size: records of varied sizes "+
			"can waste more or less, and PutRecords removes it either way.",
			bytesText(size), count(shardRecordsAt(size)), bytesText(charge), strings.ToUpper(batchAdvice[:1])+batchAdvice[1:]),
	}
	if o.throttledAny {
		f.Severity = Warning
		f.Summary += fmt.Sprintf(", and it refuses %s records/s (%s of the writes)", count(o.throttled), pct(o.throttledFraction()))
		f.Evidence["throttled_records_per_sec"] = round3(o.throttled)
	}
	return []metrics.Finding{f}
}

// bytesText is a record size: "1,100 bytes", "2 KiB" for whole KiB.
func bytesText(b float64) string {
	if b >= 1024 && math.Mod(b, 1024) == 0 {
		return fmt.Sprintf("%s KiB", count(b/1024))
	}
	return count(b) + " bytes"
}
