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

// ProducerSink feeds workload records to the producer and counts how they resolved, so a run can
// check its accounting (scheduled = succeeded + failed + expired + dropped + pending).
type ProducerSink struct {
	P *producer.Producer

	succeeded, failed, expired atomic.Int64
	lastErr                    atomic.Pointer[string]

	mu     sync.Mutex
	byCode map[string]string // the latest failure message by error code (few codes: bounded)
}

// Emit waits for room in the producer's buffers (backpressure), as Put does.
func (s *ProducerSink) Emit(ctx context.Context, r workload.Record) error {
	return s.P.Put(ctx, toProducer(r), s.resolved)
}

// TryEmit refuses at once when the producer's buffers are full; the generator counts the record
// as dropped instead of falling behind its schedule.
func (s *ProducerSink) TryEmit(r workload.Record) error {
	err := s.P.TryPut(toProducer(r), s.resolved)
	if errors.Is(err, producer.ErrBufferFull) {
		return fmt.Errorf("%w: %w", workload.ErrSinkFull, err)
	}
	return err
}

func toProducer(r workload.Record) producer.Record {
	return producer.Record{PartitionKey: r.PartitionKey, ExplicitHashKey: r.ExplicitHashKey, Data: r.Data}
}

func (s *ProducerSink) resolved(res producer.Result) {
	switch {
	case res.Err == nil:
		s.succeeded.Add(1)
	case errors.Is(res.Err, producer.ErrExpired):
		s.expired.Add(1)
	default:
		s.failed.Add(1)
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

// Outcomes are the sink's counts of resolved records.
type Outcomes struct {
	Succeeded, Failed, Expired int64
	LastError                  string // the last failure's message, "" if none
}

// Outcomes returns the counts so far.
func (s *ProducerSink) Outcomes() Outcomes {
	o := Outcomes{Succeeded: s.succeeded.Load(), Failed: s.failed.Load(), Expired: s.expired.Load()}
	if p := s.lastErr.Load(); p != nil {
		o.LastError = *p
	}
	return o
}
