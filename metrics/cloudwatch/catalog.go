package cloudwatch

import "slices"

// Metric names one series the poller reads: an AWS/Kinesis metric, the statistic
// asked for, and the shard for shard-level metrics ("" for the stream-level ones).
type Metric struct {
	Name    string // e.g. "IncomingRecords", "PutRecords.Latency"
	Stat    string // "Sum", "Average" or "Maximum"
	ShardID string
}

// The statistics the poller asks for. Counts and bytes are summed per period (a rate is
// Sum / period); a Sum of latencies means nothing, so latencies get Average and Maximum; the
// iterator age of a period is its worst.
const (
	Sum     = "Sum"
	Average = "Average"
	Maximum = "Maximum"
)

const kinesisNamespace = "AWS/Kinesis"

// streamMetrics are the stream-level write metrics of kinesis-facts.md: published always.
var streamMetrics = func() []Metric {
	var out []Metric
	for _, n := range []string{
		"IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded",
		"PutRecord.Bytes", "PutRecord.Success",
		"PutRecords.Bytes", "PutRecords.Records", "PutRecords.Success",
		"PutRecords.TotalRecords", "PutRecords.SuccessfulRecords",
		"PutRecords.FailedRecords", "PutRecords.ThrottledRecords",
	} {
		out = append(out, Metric{Name: n, Stat: Sum})
	}
	for _, n := range []string{"PutRecord.Latency", "PutRecords.Latency"} {
		out = append(out, Metric{Name: n, Stat: Average}, Metric{Name: n, Stat: Maximum})
	}
	return out
}()

// shardMetrics are the shard-level metrics EnableEnhancedMonitoring turns on, each with its
// statistic, in the order the dashboard lists them.
var shardMetrics = []Metric{
	{Name: "IncomingBytes", Stat: Sum},
	{Name: "IncomingRecords", Stat: Sum},
	{Name: "WriteProvisionedThroughputExceeded", Stat: Sum},
	{Name: "OutgoingBytes", Stat: Sum},
	{Name: "OutgoingRecords", Stat: Sum},
	{Name: "ReadProvisionedThroughputExceeded", Stat: Sum},
	{Name: "IteratorAgeMilliseconds", Stat: Maximum},
}

// StreamMetrics lists the stream-level series the poller reads.
func StreamMetrics() []Metric { return slices.Clone(streamMetrics) }

// ShardMetrics lists the shard-level series the poller reads for shard when
// enhanced monitoring has them all on.
func ShardMetrics(shard string) []Metric {
	out := slices.Clone(shardMetrics)
	for i := range out {
		out[i].ShardID = shard
	}
	return out
}

// cwWanted lists what one poll asks for: the stream-level series, and for each shard the
// shard-level series whose metric is enabled.
func cwWanted(shards []string, enabled map[string]bool) []Metric {
	out := slices.Clone(streamMetrics)
	if len(enabled) == 0 {
		return out
	}
	for _, sh := range shards {
		for _, m := range shardMetrics {
			if enabled[m.Name] {
				m.ShardID = sh
				out = append(out, m)
			}
		}
	}
	return out
}

// allShardLevel is every shard-level metric switched on.
func allShardLevel() map[string]bool {
	m := make(map[string]bool, len(shardMetrics))
	for _, s := range shardMetrics {
		m[s.Name] = true
	}
	return m
}
