package main

import (
	"fmt"
	"time"
)

// The fleet situation: the troubleshooting page's small producers (mobile apps, IoT devices),
// thousands of them, each gathering a few records a second and sending them with PutRecords,
// all losing the network together for a while and coming back at once (the thundering herd).
//
// Its contenders are what such a client can be, written by package fleet as `run --producer
// putrecords|putrecord --clients N` writes them (one implementation):
//   - putrecords: run's fleet as it is (each client batches for an interval and re-sends failed
//     entries after a jittered backoff);
//   - putrecords-nobackoff: the same clients re-sending failed entries at once, as the simplest
//     loops (and the matrix's putrecords contender) do: what the jitter buys in the burst;
//   - putrecord: clients that cannot batch, one PutRecord per record (the SDK's retries, then
//     the record is lost): what batching buys a device.
//
// The engine (shardstorm, kpl) is not a contender here: it is a server-side producer, and a
// fleet does not run one on each device. Putting it behind a gateway the devices write to would
// measure the gateway, whose network to the devices this bench does not model; package fleet's
// clients do not pack KPL aggregates (aws-kinesis-agg) either, so there is no aggregating client
// to compare. The page's question for small producers is batching, and how the fleet survives a
// reconnect burst: these three answer it.

// The fleet's contenders (only in the fleet situation).
const (
	ContenderPutRecordsNoBackoff Contender = "putrecords-nobackoff"
)

// fleetShape is a situation's fleet of small clients.
type fleetShape struct {
	Clients  int
	Interval time.Duration // each PutRecords client sends what it gathered this often
	Buffer   int           // records a client holds offline or behind
	// OutageAt and OutageFor are fractions of the load's duration: every client is offline from
	// OutageAt×duration for OutageFor×duration, then all reconnect at once.
	OutageAt, OutageFor float64
}

// Run's fleet defaults (internal/app: ClientRetryBackoff, DefaultClientBuffer, --client-batch
// 0 = 500). The bench cannot import internal/app (internal/archtest); fleet_situation_test.go
// checks they still agree.
const (
	runClientRetryBackoff = 100 * time.Millisecond
	runClientBuffer       = 10_000
	runClientBatch        = 500
)

// fleetSituation: 2,000 devices 50 ms from the service, 300-byte records at 50 % of the stream's
// records bound (4,000/s on 8 shards: 2 a second per device, sent every second), all offline for
// the middle third of the load. Small records hit the records bound long before the bytes one,
// hence a load in records. The outage piles up 2,000 × 2 × 10 s = 40,000 records on a 30 s run,
// five seconds of the stream's whole capacity, flushed together when the network returns.
var fleetSituation = Situation{
	Name:      "fleet",
	Title:     "Fleet: 2,000 small clients 50 ms away, 300-byte records at 50 % of the records bound, all offline for the middle third of the load, then reconnecting at once",
	Producers: 1, DataBytes: 300, Keys: poolKeys, RecordLoad: 0.5, Latency: "50ms",
	Fleet: &fleetShape{Clients: 2000, Interval: time.Second, Buffer: runClientBuffer, OutageAt: 1.0 / 3, OutageFor: 1.0 / 3},
	Contenders: []contenderEntry{
		{ContenderPutRecords, "PutRecords clients as `run --producer putrecords --clients` makes them: each sends what it gathered every 1 s (≤ 500 a call), re-sends failed entries after a jittered backoff (100 ms doubling to 2 s)"},
		{ContenderPutRecordsNoBackoff, "the same clients re-sending failed entries at once (no backoff), as the simplest loops do"},
		{ContenderPutRecord, "clients that cannot batch: one PutRecord per record, one call at a time each, the SDK's default retries, then the record is lost"},
	},
}

// outage is the situation's outage for a load of duration d (zero if it has none).
func (f *fleetShape) outage(d time.Duration) (at, length time.Duration) {
	if f == nil || f.OutageFor <= 0 {
		return 0, 0
	}
	return time.Duration(f.OutageAt * float64(d)).Round(time.Millisecond), time.Duration(f.OutageFor * float64(d)).Round(time.Millisecond)
}

// childFleet is a contender process's fleet, as the orchestrator sends it.
type childFleet struct {
	Clients      int           `json:"clients"`
	Threads      int           `json:"threads"`
	Batch        int           `json:"batch"`
	Interval     time.Duration `json:"interval"`
	Buffer       int           `json:"buffer"`
	RetryBackoff time.Duration `json:"retry_backoff"`
	Connectivity string        `json:"connectivity"` // fleet.ParseConnectivity's form
	// OutageAt and OutageFor repeat the outage in Connectivity, for the child's figures.
	OutageAt  time.Duration `json:"outage_at"`
	OutageFor time.Duration `json:"outage_for"`
}

// childFleetOf is contender c's fleet in situation s for a load of duration d (nil if s has no
// fleet).
func childFleetOf(s Situation, c Contender, d time.Duration) *childFleet {
	f := s.Fleet
	if f == nil {
		return nil
	}
	cf := &childFleet{Clients: f.Clients, Threads: 1, Batch: runClientBatch, Interval: f.Interval, Buffer: f.Buffer,
		RetryBackoff: runClientRetryBackoff, Connectivity: "always"}
	switch c {
	case ContenderPutRecordsNoBackoff:
		cf.RetryBackoff = 0
	case ContenderPutRecord:
		cf.Batch, cf.Interval, cf.RetryBackoff = 1, 0, 0
	}
	if at, length := f.outage(d); length > 0 {
		cf.Connectivity = fmt.Sprintf("outage:%s:%s", at, length)
		cf.OutageAt, cf.OutageFor = at, length
	}
	return cf
}
