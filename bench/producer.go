package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/memlimit"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// producerConnections is the producers' MaxConnections (their default, the KPL's 24); the
// client's transport keeps idle connections for twice as many.
const producerConnections = producer.DefaultMaxConnections

// producerContender feeds shardstorm's producer. Its buffer bounds (MaxBufferedRecords,
// MaxBufferedBytes) are the backpressure: TryPut refuses a record when they are reached.
type producerContender struct {
	p *producer.Producer
	t *tally
}

// producerConfig is the contender's configuration: the defaults, or the KPL's behaviour (a
// static limiter at 150 % of the shard limits, no adaptive limiting). Both aggregate.
func producerConfig(c Contender, stream string) producer.Config {
	cfg := producer.Config{StreamName: stream}
	if c == ContenderKPL {
		cfg = producer.KPLBehaviour(cfg)
	}
	return cfg
}

func newProducerContender(ctx context.Context, client *kinesis.Client, cfg childConfig, t *tally) (*producerContender, error) {
	p, err := producer.New(ctx, client, producerConfig(cfg.Contender, cfg.Stream))
	if err != nil {
		return nil, err
	}
	// The process is the generator and this producer: bound its memory as shardstorm run does.
	memlimit.Apply(memlimit.ForBuffer(p.Config().MaxBufferedBytes))
	return &producerContender{p: p, t: t}, nil
}

func toProducer(r workload.Record) producer.Record {
	return producer.Record{PartitionKey: r.PartitionKey, ExplicitHashKey: r.ExplicitHashKey, Data: r.Data}
}

// resolved returns the callback of one record handed over at start (producer's or fleet's).
func (t *tally) resolved(start time.Time) func(producer.Result) {
	return func(res producer.Result) {
		offline := t.isOffline(start)
		switch {
		case res.Err == nil:
			t.acknowledged(start, res.ShardID, res.SequenceNumber, int64(len(res.Record.Data)+len(res.Record.PartitionKey)))
			if res.MaybeDuplicated() {
				t.ackedMaybeDup.Add(1)
			}
		case errors.Is(res.Err, producer.ErrExpired):
			t.expired.Add(1)
			if offline {
				t.offline.expired.Add(1)
			}
		case errors.Is(res.Err, producer.ErrClosed):
			t.pending.Add(1) // still held when the drain ran out: Close abandoned it
			if re := (*producer.RecordError)(nil); errors.As(res.Err, &re) && re.MaybeStored {
				t.pendingInFlight.Add(1) // its request was in flight: the service may have stored it
			}
			if offline {
				t.offline.pending.Add(1)
			}
		default:
			t.failed.Add(1)
			t.noteError(res.Err)
			if res.Outcome() == producer.MaybeStored {
				t.failedMaybeStored.Add(1) // a timeout or a cut connection: it may be stored
			}
			if offline {
				t.offline.failed.Add(1)
			}
		}
	}
}

// Emit waits for room in the producer's buffers.
func (c *producerContender) Emit(ctx context.Context, r workload.Record) error {
	return emit(ctx, c.p, c.t, r)
}

// TryEmit refuses at once when the producer's buffers are full.
func (c *producerContender) TryEmit(r workload.Record) error { return tryEmit(c.p, c.t, r, time.Now()) }

// TryEmitAt is TryEmit of a record the generator hands over at now.
func (c *producerContender) TryEmitAt(r workload.Record, now time.Time) error {
	return tryEmit(c.p, c.t, r, now)
}

// putter is what the contenders write through: shardstorm's producer and a fleet alike.
type putter interface {
	Put(ctx context.Context, r producer.Record, done func(producer.Result)) error
	TryPut(r producer.Record, done func(producer.Result)) error
}

// callbackShare is how close together records must be handed over to share one result
// callback (and so one hand-over time, the start of their latency): the generator hands over
// its records in bursts (one per wake-up), and a callback per record was an allocation per
// record. Latencies are milliseconds; 10 µs is below their histogram's resolution there.
const callbackShare = 10 * time.Microsecond

// handOverAt returns the hand-over time and result callback of a record handed over at now: the
// ones of the record before if it was handed over less than callbackShare earlier. Generator
// goroutine only.
func (t *tally) handOverAt(now time.Time) (time.Time, func(producer.Result)) {
	if t.cb == nil || now.Sub(t.cbStart) >= callbackShare {
		t.cbStart, t.cb = now, t.resolved(now)
	}
	return t.cbStart, t.cb
}

// emit hands a record to p, waiting for room, its result counted in t.
func emit(ctx context.Context, p putter, t *tally, r workload.Record) error {
	start, done := t.handOverAt(time.Now())
	err := p.Put(ctx, toProducer(r), done)
	if err == nil {
		t.handedOver(start)
	}
	return err
}

// errContenderFull is what tryEmit returns for a full buffer: the generator's ErrSinkFull
// (counted as not sent: full) and the producer's ErrBufferFull. It is made once: at 150 % of
// capacity a third of the records are refused, and wrapping each refusal cost more than the
// refusal itself.
var errContenderFull = fmt.Errorf("%w: %w", workload.ErrSinkFull, producer.ErrBufferFull)

// tryEmit hands a record to p at once, at now (the generator's reading of the clock, shared by
// the records it hands over in a row: see workload.TimedTrySink; so the contenders need not
// read the clock per record): a full buffer is the generator's ErrSinkFull, so it keeps its
// schedule.
func tryEmit(p putter, t *tally, r workload.Record, now time.Time) error {
	start, done := t.handOverAt(now)
	err := p.TryPut(toProducer(r), done)
	if err == nil {
		t.handedOver(start)
	}
	if errors.Is(err, producer.ErrBufferFull) {
		return errContenderFull
	}
	return err
}

// finish flushes until ctx ends; Close then abandons what is left (ErrClosed: pending).
func (c *producerContender) finish(ctx context.Context) {
	_ = c.p.Flush(ctx)
	_ = c.p.Close(ctx)
}
