package main

import (
	"context"
	"fmt"

	"github.com/shardstorm/shardstorm/workload"
)

// contender receives the generator's records (workload.TimedTrySink: the generator uses
// TryEmitAt, so a full contender costs "not sent: full" records at once instead of stalling the
// schedule, and a record's latency starts at the generator's reading of the clock) and writes
// them to the stream its way.
type contender interface {
	workload.TimedTrySink
	// finish is called once the generator has stopped. It sends what is held until ctx ends,
	// then abandons the rest (counted pending) and returns when every record is resolved and
	// every goroutine of the contender has stopped.
	finish(ctx context.Context)
}

// beginner is a contender that starts with the load (begin is called once, right after the
// orchestrator's go and before the first record).
type beginner interface {
	begin(ctx context.Context) error
}

// fleetReporter is a contender whose clients are a fleet with figures of their own.
type fleetReporter interface {
	fleetFigures() (*childFleetReport, error)
}

// newContender sets up cfg's contender with its own client; the producers load the shard map
// here, before the load starts.
func newContender(ctx context.Context, cfg childConfig, t *tally) (contender, *requestCounter, error) {
	switch cfg.Contender {
	case ContenderPutRecord, ContenderPutRecords, ContenderPutRecordsNoBackoff:
		client, rc := newClient(cfg.Endpoint, 0, fleetConnections(cfg), true)
		rc.countUnanswered = true // package fleet calls through the SDK's retries
		c, err := newFleetContender(client, cfg, t)
		return c, rc, err
	case ContenderKPL, ContenderShardstorm:
		client, rc := newClient(cfg.Endpoint, 0, producerConnections, false)
		p, err := newProducerContender(ctx, client, cfg, t)
		return p, rc, err
	}
	return nil, nil, fmt.Errorf("unknown contender %q", cfg.Contender)
}
