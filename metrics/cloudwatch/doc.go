// Package cloudwatch reads and writes a stream's CloudWatch metrics, beside the producer's own:
// Poller reads the AWS/Kinesis metrics (stream-level, and shard-level while enhanced monitoring
// is on) with GetMetricData, keeps the recent points of each series and says how old the latest
// is and whether CloudWatch answers (State, Status: pending, ok, degraded, unavailable, access
// denied, disabled); Publisher uploads the producer's metrics under the KPL's names
// (PublisherConfig), optionally with an Agent dimension, so a stream loaded by shardstorm agents
// can be watched like one loaded by the KPL; NamespaceReader reads such a namespace back for one
// stream (a KPL application's series, or every agent's), for `shardstorm watch`.
//
// It is a concern of its own: AWS calls that cost money and API quota, with backoff, paging and
// failure states, where the metrics package measures this process. Like metrics it reads
// producer.Stats and never imports its readers (tui, advisor): internal/archtest holds that
// rule.
package cloudwatch
