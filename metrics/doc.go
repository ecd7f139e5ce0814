// Package metrics turns the producer's and the workload's counters into what a person watches
// and what a run leaves behind: a Sampler reads producer.Stats (and workload.Stats) every
// interval into a Store of fixed-memory time series per stream and per shard — offered, put and
// throttled rates against the shard limits, limiter tokens, buffers, retries, errors by code,
// per-interval latency percentiles — and exports them: a JSON summary with a JSON Schema
// (Summary, SummarySchema), CSV (Store.WriteCSV, CSVWriter) and a Prometheus endpoint
// (NewPrometheusHandler). HotKeys finds the partition keys behind a hot shard and APICalls counts
// this process's Kinesis API calls: like the sampler's OfferCounter, they measure the run from
// the producer's and the SDK's side. Reading and writing CloudWatch is metrics/cloudwatch.
//
// A Snapshot carries, in metrics' own types, what a diagnosis weighs: the producer's current
// settings (Snapshot.Settings: RecordTtl, RateLimit, MaxConnections, aggregation, adaptive
// limiting...) and each shard's hash key range, limiter level and backlog refusals
// (ShardValues), so the advisor reads snapshots without importing the producer.
//
// Rates come from counter deltas over the time actually elapsed between two samples, so a late
// tick never inflates them; latency percentiles are those of the interval, from the difference
// of two readings of the producer's cumulative HDR histograms. Series names are listed with
// Metric. Shards come and go with resharding: each shard id gets its series when it appears,
// and a retired shard keeps its history until it leaves the window.
//
//	s, _ := metrics.NewSampler(metrics.Config{Stream: "orders", Producer: p, Workload: gen})
//	s.Start()
//	defer s.Stop()
//	snap := s.Store().Latest()                                      // dashboard: cheap, lock-free
//	pts := s.Store().Series("put_bytes_pct", "shardId-000000000001", time.Now().Add(-time.Minute))
//	...
//	sum := s.Summary(time.Now(), cfg) // after the producer closed and the generator returned
//	sum.WriteJSON(f)
//
// It reads producer.Stats and workload.Stats, and never imports its readers (tui, advisor):
// internal/archtest holds that rule.
package metrics
