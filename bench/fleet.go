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
	client *kinesis.Client
	cfg    fleet.Config
	shape  *childFleet // the fleet situation's clients, or nil
	t      *tally

	f       *fleet.Fleet // from begin
	watch   *clientWatch
	clients clientFigures
}

// fleetRequestTimeout is the contenders' HTTP client timeout; records never expire in the bench
// (a run is minutes): fleetRecordTtl only bounds a record's life formally.
const (
	fleetRequestTimeout = 30 * time.Second
	fleetRecordTtl      = 24 * time.Hour
)

func fleetConfig(cfg childConfig) (fleet.Config, error) {
	fc := fleet.Config{StreamName: cfg.Stream, API: fleet.PutRecords, Clients: 1, Threads: cfg.Workers,
		Batch: fleet.MaxBatchRecords, Buffer: cfg.Queue, RequestTimeout: fleetRequestTimeout, RecordTtl: fleetRecordTtl}
	if cfg.Contender == ContenderPutRecord {
		fc.API, fc.Batch = fleet.PutRecord, 1
	}
	if f := cfg.Fleet; f != nil { // the fleet situation: many small clients
		conn, err := fleet.ParseConnectivity(f.Connectivity)
		if err != nil {
			return fleet.Config{}, err
		}
		fc.Clients, fc.Threads, fc.Batch, fc.Interval, fc.Buffer = f.Clients, f.Threads, f.Batch, f.Interval, f.Buffer
		fc.RetryBackoff, fc.Connectivity = f.RetryBackoff, conn
	}
	return fc, fc.Validate()
}

// fleetConnections is the HTTP connections a contender's fleet may use at once: its requests in
// flight, which package fleet bounds at 1,024 whatever the clients.
func fleetConnections(cfg childConfig) int {
	if cfg.Fleet == nil {
		return cfg.Workers
	}
	return min(cfg.Fleet.Clients*cfg.Fleet.Threads, 1024)
}

// newFleetContender checks the fleet's configuration; the fleet starts at begin, with the load,
// so that its connectivity (an outage AT after the start) is timed from the load's start.
func newFleetContender(client *kinesis.Client, cfg childConfig, t *tally) (*fleetContender, error) {
	fc, err := fleetConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &fleetContender{client: client, cfg: fc, shape: cfg.Fleet, t: t}, nil
}

// begin starts the fleet: the load starts now.
func (c *fleetContender) begin(ctx context.Context) error {
	f, err := fleet.New(ctx, c.client, c.cfg)
	if err != nil {
		return err
	}
	c.f = f
	if c.shape != nil {
		c.t.offlineFrom = time.Now().Add(c.shape.OutageAt)
		c.t.offlineTo = c.t.offlineFrom.Add(c.shape.OutageFor)
		c.watch = watchClients(f, clientsInterval)
	}
	return nil
}

// Emit waits for room in the client's buffer.
func (c *fleetContender) Emit(ctx context.Context, r workload.Record) error {
	return emit(ctx, c.f, c.t, r)
}

// TryEmit refuses at once when the buffer is full.
func (c *fleetContender) TryEmit(r workload.Record) error { return tryEmit(c.f, c.t, r, time.Now()) }

// TryEmitAt is TryEmit of a record the generator hands over at now.
func (c *fleetContender) TryEmitAt(r workload.Record, now time.Time) error {
	return tryEmit(c.f, c.t, r, now)
}

func (c *fleetContender) finish(ctx context.Context) {
	if c.f == nil {
		return // never began
	}
	_ = c.f.Close(ctx)
	if c.watch != nil {
		c.clients = c.watch.stop(c.f)
	}
}

// fleetFigures is what the fleet's clients did, for the child's report (nil without a fleet).
func (c *fleetContender) fleetFigures() (*childFleetReport, error) {
	if c.shape == nil {
		return nil, nil
	}
	r := &childFleetReport{Clients: c.clients}
	return r, c.t.reportOffline(r)
}
