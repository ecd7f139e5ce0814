// Package advisor says, in words, what limits a producer and what to do about it: the
// troubleshooting a Kinesis engineer does by hand (AWS's "producer writes slower than
// expected" checklist), done continuously over the live metrics.
//
// Each sample of metrics.Sampler goes to Observe, with what the samples do not hold: the hot-key
// tracker, the control-plane calls this process made (metrics.APICalls) and the latest error
// message by code. The advisor keeps a few seconds of samples (Config.Window) and runs its rules
// over them:
//
//	stream-capacity     most shards at a limit, with throttles: how many shards the peak needs
//	hot-shard           one or a few shards throttle while the others idle: the shard, its keys
//	record-bound        the 1000 records/s limit binds far below 1 MiB/s: aggregation and its gain
//	api-throttling      LimitExceededException on a control-plane call: which API, its limit, who calls it
//	producer-bound      no throttles, demand not met: connections busy, latency, buffers growing
//	records-expiring    records outlive RecordTtl: the TTL against the waits seen
//	kms-access-denied   writes to an encrypted stream denied: the key, the permission, where to grant it
//	rate-limit-too-low  the producer's own limiter holds records while the shards have room
//	workload-behind     the generator cannot keep its schedule: it, not Kinesis, is the limit
//
// For the small producers of `run --producer putrecords|putrecord` (ProducerSettings.Profile):
//
//	putrecord-rounding         PutRecord at sizes just over a KiB multiple: the bytes wasted, PutRecords as the fix
//	clients-not-batching       PutRecords calls of about one record: gather before sending
//	puts-on-critical-path      a fleet's application waits ≥ 100 ms (p99) per put: send in the background
//	reconnect-burst-throttles  clients back at once after an outage, and the stream throttles after
//	putrecord-thread-bound     PutRecord threads all busy, no throttles: threads by Little's law, async, or PutRecords
//
// (producer-bound does not judge a fleet: it has no MaxConnections to raise.)
//
// A finding is raised as soon as its rule finds it over the window and cleared once the rule has
// not found it for Config.ClearAfter, so a cause that goes away (keys spread, shards added)
// clears its finding within seconds, and a flicker at the edge of a threshold does not flap.
// Every finding raised stays in History with its last figures, for the run's report.
//
// In watch mode the producer is not ours and its Stats are not there: ObserveOutside judges a
// metrics.OutsideView — CloudWatch's stream and shard metrics, the KPL's or shardstorm agents'
// published metrics, a paced sample of the stream's records — with the outside rules
// (outside_*.go). They reuse the ids above where the meaning is the same (hot-shard,
// stream-capacity, record-bound, records-expiring, kms-access-denied) and add
//
//	write-bursts           throttles while the busiest period is under capacity: the 1-second peak, or that sums hide it
//	small-putrecord-calls  most records one PutRecord each: latency-bound calls, batch with PutRecords (info)
//	putrecord-rounding     PutRecord's records rounded up to whole KiB waste the bytes limit near it: PutRecords rounds once a call
//	kpl-buffering-time     records wait over 5× the KPL's default RecordMaxBufferedTime
//	kpl-retries            RetriesPerRecord high: throttles or errors behind it
//	kpl-errors             the producer's ErrorsByCode, code by code (KMS codes are named as KMS errors)
//	kpl-pending-growing    UserRecordsPending rising over most of the window: no backpressure
//
// Every outside finding says in Basis which source it rests on and at what resolution, and
// Unseen lists what no source in the view can show, so nothing unseen reads as nothing wrong.
//
// It reads metrics only: the producer settings and per-shard figures it weighs come in
// metrics.Snapshot's own types, so it does not import producer, workload or emulator
// (internal/archtest holds that rule); internal/hashkey splits ranges for its advice.
package advisor
