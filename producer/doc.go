// Package producer is a Kinesis Data Streams producer with the KPL's semantics and more: every
// record is routed to its shard by the ListShards map, aggregated per shard in the KPL format
// (KCL-safe: an aggregate only holds records of its own shard), held to a per-shard rate by a
// token-bucket limiter, collected into PutRecords requests and retried by re-buffering until
// RecordTtl. Beyond the KPL: bounded buffers with blocking Put (backpressure), adaptive per-shard
// limiting so producers sharing a stream converge instead of storming, error classes that fail
// fast when retrying cannot help, and an exactly-once resolution of every record.
//
// It talks to Kinesis only through the aws-sdk-go-v2 client (KinesisAPI), so it works against
// AWS, the shardstorm emulator or any compatible endpoint. It is usable alone as a library: it
// imports nothing of shardstorm but its own producer/kpl and the shared leaves internal/hashkey
// (hash keys, MD5 routing) and internal/awshttp (the owned-body HTTP client), which import
// nothing of ours; internal/archtest holds that rule.
//
// Pipeline, per stream:
//
//	Put ─▶ route (MD5 or ExplicitHashKey → shard) ─▶ shard aggregator (deadline = arrival +
//	RecordMaxBufferedTime) ─▶ shard limiter (records and bytes buckets at RateLimit %) ─▶
//	collector (≤ 500 records, ≤ CollectionMaxSize) ─▶ sender (≤ MaxConnections in flight) ─▶
//	result, or re-buffer (deadline = min(now + RecordMaxBufferedTime/2, expiry))
//
// Put routes and aggregates on the caller's goroutine under the shard's lock; one dispatcher
// goroutine moves sealed records through the limiters and the collector; each request runs on
// its own goroutine and calls the records' callbacks when its response arrives.
package producer
