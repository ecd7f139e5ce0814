package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// ProducerSink feeds workload records to the producer and counts how they resolved, by what
// each record's fate means for the stream (producer.Outcome). The summary's accounting reads the
// producer's own per-outcome counters; these, counted from the results the callers see, are an
// independent check of them (a test compares the two) and the run's latest error messages.
type ProducerSink struct {
	P Engine

	byOutcome                [producer.NeverSent + 1]atomic.Int64 // indexed by producer.Outcome
	expired, maybeDuplicated atomic.Int64
	lastErr                  atomic.Pointer[string]

	mu     sync.Mutex
	byCode map[string]string // the latest failure message by error code (few codes: bounded)
}

// Emit waits for room in the producer's buffers (backpressure), as Put does.
func (s *ProducerSink) Emit(ctx context.Context, r workload.Record) error {
	return s.P.Put(ctx, toProducer(r), s.resolved)
}

// errSinkFull is what the sinks return for a full buffer: the generator's ErrSinkFull, which it
// counts as dropped, and the producer's ErrBufferFull. Made once: at twice the capacity half the
// records are refused, and wrapping each refusal cost more than the refusal.
var errSinkFull = fmt.Errorf("%w: %w", workload.ErrSinkFull, producer.ErrBufferFull)

// TryEmit refuses at once when the producer's buffers are full; the generator counts the record
// as dropped instead of falling behind its schedule.
func (s *ProducerSink) TryEmit(r workload.Record) error {
	err := s.P.TryPut(toProducer(r), s.resolved)
	if errors.Is(err, producer.ErrBufferFull) {
		return errSinkFull
	}
	return err
}

func toProducer(r workload.Record) producer.Record {
	return producer.Record{PartitionKey: r.PartitionKey, ExplicitHashKey: r.ExplicitHashKey, Data: r.Data}
}

func (s *ProducerSink) resolved(res producer.Result) {
	if o := res.Outcome(); o >= 0 && int(o) < len(s.byOutcome) {
		s.byOutcome[o].Add(1)
	}
	if res.Err == nil {
		if res.MaybeDuplicated() {
			s.maybeDuplicated.Add(1)
		}
		return
	}
	if errors.Is(res.Err, producer.ErrExpired) {
		s.expired.Add(1)
	}
	msg := res.Err.Error()
	s.lastErr.Store(&msg)
	var re *producer.RecordError
	if errors.As(res.Err, &re) && re.Code != "" {
		s.mu.Lock()
		if s.byCode == nil {
			s.byCode = map[string]string{}
		}
		s.byCode[re.Code] = re.Message
		s.mu.Unlock()
	}
}

// LastErrors returns the latest failure message by error code: the service's own words, which
// name the key of a KMS denial or the stream of a missing one.
func (s *ProducerSink) LastErrors() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.byCode))
	for c, m := range s.byCode {
		out[c] = m
	}
	return out
}

// Outcomes are the sink's counts of resolved records, by outcome.
type Outcomes struct {
	Acknowledged, MaybeStored, NotStored, NeverSent int64
	// PossibleDuplicates: acknowledged, after an earlier attempt that may have stored them too.
	PossibleDuplicates int64
	// Expired: of the failed, those whose RecordTtl passed (in any failed category).
	Expired   int64
	LastError string // the last failure's message, "" if none
}

// Failed is every record resolved with an error.
func (o Outcomes) Failed() int64 { return o.MaybeStored + o.NotStored + o.NeverSent }

// Outcomes returns the counts so far.
func (s *ProducerSink) Outcomes() Outcomes {
	o := Outcomes{
		Acknowledged: s.byOutcome[producer.Acknowledged].Load(), MaybeStored: s.byOutcome[producer.MaybeStored].Load(),
		NotStored: s.byOutcome[producer.NotStored].Load(), NeverSent: s.byOutcome[producer.NeverSent].Load(),
		PossibleDuplicates: s.maybeDuplicated.Load(), Expired: s.expired.Load(),
	}
	if p := s.lastErr.Load(); p != nil {
		o.LastError = *p
	}
	return o
}
