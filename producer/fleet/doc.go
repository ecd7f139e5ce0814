// Package fleet is the small producers people write, one or thousands: not shardstorm's
// KPL-grade engine (package producer) but the loop an application writes around the SDK.
//
// A PutRecords client buffers records and sends them with PutRecords when Batch records are
// buffered or Interval has passed since the oldest, re-sending the entries the service failed
// until they are acknowledged or RecordTtl passes. A PutRecord client sends one record per call
// from its threads and gives up on a record when the SDK's own retries do.
//
// A Fleet is N such clients (mobile apps, IoT devices, browsers), each with its own buffer,
// threads and connectivity (always online, flaky, or an outage that every client sits out and
// leaves at once: the thundering herd). Records put into the fleet are dealt to its clients
// round-robin, so each client is a device producing its share of the rate.
//
// Thousands of clients are cheap: an idle client is a few words of state, not a goroutine. One
// scheduler goroutine wakes clients at their flush deadlines, record expiries and reconnects;
// a goroutine exists only for a request in flight, and their number is bounded (see
// maxInFlight).
//
// Every record put resolves exactly once, through its callback, with a producer.Result whose
// Outcome means what it means for the engine (producer/outcome.go): a request that timed out or
// lost its connection leaves its records MaybeStored; a record that expired offline is NeverSent.
package fleet
