// Package recordsample reads a sample of a stream's newest records — GetRecords from LATEST,
// KPL aggregates deaggregated — for `shardstorm watch`, whose advisor diagnoses a producer it
// did not write: key shares per shard (the hot key named), key cardinality, user record sizes,
// whether records are aggregated and how many user records each holds, and the one-second
// arrival peaks that CloudWatch's one-minute sums average away.
//
// # What it costs, and why it is paced so
//
// A shard serves GetRecords 5 calls/s and 2 MiB/s, shared by every consumer of the stream: a
// sampler that read as fast as it could would throttle the application's real consumers. So:
//
//   - at most one GetRecords call per second per sampled shard (≤ 20 % of the shard's calls).
//     One call returns everything that arrived since the last (up to 10 MiB or 10,000 records),
//     so a sampled shard is still read in full and its one-second peaks, by
//     ApproximateArrivalTimestamp, are exact;
//   - at most Config.MaxShards shards at once, the busiest first (SetBusiest, from CloudWatch's
//     shard metrics; without a hint all shards when they fit, else in turns so each is seen,
//     then those the sample found busiest);
//   - at most Config.MaxBytesPerSec read over all sampled shards: fewer shards, and a GetRecords
//     Limit when a call would overdraw it; the sample's Budget says what was left out;
//   - on ProvisionedThroughputExceededException (another consumer uses the shard's read
//     capacity) the shard backs off, exponentially with jitter from 1 s up to 30 s, and the
//     sample and Source say so. The SDK's own retries are off, so every call is counted here.
//
// Only arrivals within the last Config.Window count: counts are kept per second, keys and sizes
// per quarter of the window, and older ones dropped, so memory is fixed whatever the uptime.
// A shard's PeakAt is the second of its records peak (PeakBytes may fall in another second).
// Distinct keys are exact up to 10,000 a window segment, then HyperLogLog's estimate.
//
//	s, err := recordsample.New(kinesisClient, recordsample.Config{Stream: "orders"})
//	s.SetShards(open)           // from ListShards, again when they change
//	s.SetBusiest(busiestFirst)  // optional, from CloudWatch's shard-level metrics
//	s.Start(ctx)
//	defer s.Stop()
//	view.Sample, src = s.Sample(), s.Source()
package recordsample
