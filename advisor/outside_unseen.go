package advisor

import (
	"fmt"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Unseen lists, in plain sentences, what cannot be known of the producer from outside given
// the sources a view holds: what no outside source shows, then what the missing sources would.
// A watch lists them beside its findings so that nothing unseen reads as nothing wrong.
func Unseen(v *metrics.OutsideView) []string {
	if v == nil {
		return nil
	}
	producerMetrics := (v.KPL != nil && len(v.KPL.Series) > 0) || (v.Agents != nil && len(v.Agents.Series) > 0)
	out := []string{
		"Control-plane throttling of the application's own calls (DescribeStream, ListShards, DescribeStreamSummary): no CloudWatch metric counts another client's LimitExceededException.",
		"The application's connection count and how many requests it keeps in flight: a producer bound by its round trips looks from outside like one with little to send.",
	}
	if !producerMetrics {
		out = append(out,
			"Its buffer, time-to-live and retry settings (RecordMaxBufferedTime, RecordTtl, MaxConnections) and how long records wait before they are sent: the producer publishes no KPL metrics.",
			"Records that never reached Kinesis — dropped, expired or failed in the producer: the producer publishes no KPL metrics (UserRecordExpired, ErrorsByCode).")
	}
	if v.Kinesis == nil || len(v.Kinesis.Series) == 0 {
		out = append(out, "The stream's accepted and throttled writes and its PutRecord/PutRecords calls: the CloudWatch stream metrics are not read"+sourceStatus(v, "CloudWatch stream metrics")+".")
	}
	if v.ShardLevel == nil || len(v.ShardLevel.Series) == 0 {
		out = append(out, "Which shards refuse writes (per-shard throttles): shard-level metrics are not read"+sourceStatus(v, "CloudWatch shard metrics")+"; enhanced monitoring (--enable-shard-metrics) is billed per shard as CloudWatch custom metrics.")
	}
	s := v.Sample
	switch {
	case s == nil:
		sums := "CloudWatch's sums"
		if v.Kinesis != nil && v.Kinesis.Period > time.Second {
			sums = "CloudWatch's " + periodText(v.Kinesis.Period) + " sums"
		}
		out = append(out, "Partition keys and their shares, record sizes, whether records are aggregated, and 1-second arrival peaks (which "+sums+" average away): no record sample"+sourceStatus(v, "record sample")+".")
	case len(s.Shards) < s.OpenShards:
		rest := s.OpenShards - len(s.Shards)
		out = append(out, fmt.Sprintf("The keys and 1-second peaks of the other %s: the sample reads %d of %d shards.", plural(rest, "shard"), len(s.Shards), s.OpenShards))
	}
	if s != nil && s.BackingOff {
		out = append(out, "Part of the sample's window: the sampler is backing off after GetRecords was throttled, to leave the stream's consumers their share.")
	}
	return out
}

// sourceStatus says why a source is not read, from the view's Sources: " (off)", " (denied: …)".
func sourceStatus(v *metrics.OutsideView, name string) string {
	for _, s := range v.Sources {
		if s.Name != name || s.Status == "" || s.Status == "reading" {
			continue
		}
		if s.Detail != "" {
			return fmt.Sprintf(" (%s: %s)", s.Status, s.Detail)
		}
		return " (" + s.Status + ")"
	}
	return ""
}
