package metrics

import "slices"

// CloudWatchMetric names one series the poller reads: an AWS/Kinesis metric, the statistic
// asked for, and the shard for shard-level metrics ("" for the stream-level ones).
type CloudWatchMetric struct {
	Name    string // e.g. "IncomingRecords", "PutRecords.Latency"
	Stat    string // "Sum", "Average" or "Maximum"
	ShardID string
}

// The statistics the poller asks for. Counts and bytes are summed per period (a rate is
// Sum / period); a Sum of latencies means nothing, so latencies get Average and Maximum; the
// iterator age of a period is its worst.
const (
	CloudWatchSum     = "Sum"
	CloudWatchAverage = "Average"
	CloudWatchMaximum = "Maximum"
)

const cwKinesisNamespace = "AWS/Kinesis"

// cwStreamMetrics are the stream-level write metrics of kinesis-facts.md: published always.
var cwStreamMetrics = func() []CloudWatchMetric {
	var out []CloudWatchMetric
	for _, n := range []string{
		"IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded",
		"PutRecord.Bytes", "PutRecord.Success",
		"PutRecords.Bytes", "PutRecords.Records", "PutRecords.Success",
		"PutRecords.TotalRecords", "PutRecords.SuccessfulRecords",
		"PutRecords.FailedRecords", "PutRecords.ThrottledRecords",
	} {
		out = append(out, CloudWatchMetric{Name: n, Stat: CloudWatchSum})
	}
	for _, n := range []string{"PutRecord.Latency", "PutRecords.Latency"} {
		out = append(out, CloudWatchMetric{Name: n, Stat: CloudWatchAverage}, CloudWatchMetric{Name: n, Stat: CloudWatchMaximum})
	}
	return out
}()

// cwShardMetrics are the shard-level metrics EnableEnhancedMonitoring turns on, each with its
// statistic, in the order the dashboard lists them.
var cwShardMetrics = []CloudWatchMetric{
	{Name: "IncomingBytes", Stat: CloudWatchSum},
	{Name: "IncomingRecords", Stat: CloudWatchSum},
	{Name: "WriteProvisionedThroughputExceeded", Stat: CloudWatchSum},
	{Name: "OutgoingBytes", Stat: CloudWatchSum},
	{Name: "OutgoingRecords", Stat: CloudWatchSum},
	{Name: "ReadProvisionedThroughputExceeded", Stat: CloudWatchSum},
	{Name: "IteratorAgeMilliseconds", Stat: CloudWatchMaximum},
}

// CloudWatchStreamMetrics lists the stream-level series the poller reads.
func CloudWatchStreamMetrics() []CloudWatchMetric { return slices.Clone(cwStreamMetrics) }

// CloudWatchShardMetrics lists the shard-level series the poller reads for shard when
// enhanced monitoring has them all on.
func CloudWatchShardMetrics(shard string) []CloudWatchMetric {
	out := slices.Clone(cwShardMetrics)
	for i := range out {
		out[i].ShardID = shard
	}
	return out
}

// cwWanted lists what one poll asks for: the stream-level series, and for each shard the
// shard-level series whose metric is enabled.
func cwWanted(shards []string, enabled map[string]bool) []CloudWatchMetric {
	out := slices.Clone(cwStreamMetrics)
	if len(enabled) == 0 {
		return out
	}
	for _, sh := range shards {
		for _, m := range cwShardMetrics {
			if enabled[m.Name] {
				m.ShardID = sh
				out = append(out, m)
			}
		}
	}
	return out
}

// cwAllShardLevel is every shard-level metric switched on.
func cwAllShardLevel() map[string]bool {
	m := make(map[string]bool, len(cwShardMetrics))
	for _, s := range cwShardMetrics {
		m[s.Name] = true
	}
	return m
}
