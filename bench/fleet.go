package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/producer/fleet"
	"github.com/shardstorm/shardstorm/workload"
)

// fleetContender is the PutRecord and PutRecords contenders: what an application without a
// producer library typically writes, as package fleet writes it for run's small clients (one
// implementation). One client, its threads the bench's workers, its buffer the bench's queue:
//   - PutRecord: each thread sends one record per call; a throttled call is retried by the SDK's
//     default retryer (3 attempts with backoff, within its client-side retry quota), and when
//     that gives up the record counts as failed, as an application logging the error would.
//   - PutRecords: each thread takes whatever the buffer holds (up to 500 records and 5 MiB) and
//     re-sends the failed entries at once until none fail: the loop of the AWS developer guide
//     ("Adding Multiple Records with PutRecords"). No backoff, no per-shard pacing.
//
// A record that finds the buffer full is refused (ErrSinkFull) and the generator counts it as
// not sent.
type fleetContender struct {
	f *fleet.Fleet
	t *tally
}

// fleetRequestTimeout is the contenders' HTTP client timeout; records never expire in the bench
// (a run is minutes): fleetRecordTtl only bounds a record's life formally.
const (
	fleetRequestTimeout = 30 * time.Second
	fleetRecordTtl      = 24 * time.Hour
)

func fleetConfig(cfg childConfig) fleet.Config {
	fc := fleet.Config{StreamName: cfg.Stream, API: fleet.PutRecords, Clients: 1, Threads: cfg.Workers,
		Batch: fleet.MaxBatchRecords, Buffer: cfg.Queue, RequestTimeout: fleetRequestTimeout, RecordTtl: fleetRecordTtl}
	if cfg.Contender == ContenderPutRecord {
		fc.API, fc.Batch = fleet.PutRecord, 1
	}
	return fc
}

func newFleetContender(ctx context.Context, client *kinesis.Client, cfg childConfig, t *tally) (*fleetContender, error) {
	f, err := fleet.New(ctx, client, fleetConfig(cfg))
	if err != nil {
		return nil, err
	}
	return &fleetContender{f: f, t: t}, nil
}

// Emit waits for room in the client's buffer.
func (c *fleetContender) Emit(ctx context.Context, r workload.Record) error {
	return emit(ctx, c.f, c.t, r)
}

// TryEmit refuses at once when the buffer is full.
func (c *fleetContender) TryEmit(r workload.Record) error { return tryEmit(c.f, c.t, r) }

func (c *fleetContender) finish(ctx context.Context) { _ = c.f.Close(ctx) }
