package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/verify"
	"github.com/shardstorm/shardstorm/workload"
)

// verifySink is the ProducerSink of a run with Options.Verify: it stamps each record's payload
// with the run's envelope (run id and sequence number; a new buffer per record) and writes what
// the producer said about the record in the ledger, then counts it as the ProducerSink does.
type verifySink struct {
	*ProducerSink
	runID  string
	ledger *verify.Ledger
}

// Emit stamps and puts the record, waiting for room as Put does.
func (s *verifySink) Emit(ctx context.Context, r workload.Record) error {
	rec, seq, err := s.stamp(r)
	if err != nil {
		return err
	}
	if err := s.P.Put(ctx, rec, s.resolved); err != nil {
		s.ledger.Set(seq, verify.Refused, false)
		return err
	}
	return nil
}

// TryEmit stamps and puts the record, refusing at once when the producer's buffers are full.
func (s *verifySink) TryEmit(r workload.Record) error {
	rec, seq, err := s.stamp(r)
	if err != nil {
		return err
	}
	if err := s.P.TryPut(rec, s.resolved); err != nil {
		s.ledger.Set(seq, verify.Refused, false)
		if errors.Is(err, producer.ErrBufferFull) {
			return errSinkFull
		}
		return err
	}
	return nil
}

func (s *verifySink) stamp(r workload.Record) (producer.Record, uint64, error) {
	seq := s.ledger.Next()
	data, err := verify.Stamp(s.runID, seq, r.Data)
	if err != nil {
		s.ledger.Set(seq, verify.Refused, false)
		return producer.Record{}, seq, err
	}
	rec := toProducer(r)
	rec.Data = data
	return rec, seq, nil
}

// resolved writes the record's outcome in the ledger (its sequence number is in its envelope),
// then counts it.
func (s *verifySink) resolved(res producer.Result) {
	if _, seq, _, ok := verify.Decode(res.Record.Data); ok {
		s.ledger.Set(seq, ledgerOutcome(res.Outcome()), res.MaybeDuplicated())
	}
	s.ProducerSink.resolved(res)
}

// ledgerOutcome maps the producer's outcome to the ledger's.
func ledgerOutcome(o producer.Outcome) verify.Outcome {
	switch o {
	case producer.Acknowledged:
		return verify.Acknowledged
	case producer.MaybeStored:
		return verify.MaybeStored
	case producer.NotStored:
		return verify.NotStored
	case producer.NeverSent:
		return verify.NeverSent
	}
	return verify.Unresolved
}

// roomForEnvelope bounds the workload's records so that each still fits Kinesis's record limit
// once stamped: the largest payloads are verify.EnvelopeLen bytes smaller.
func roomForEnvelope(spec workload.Spec) workload.Spec {
	if spec.MaxRecordBytes == 0 {
		spec.MaxRecordBytes = workload.DefaultMaxRecordBytes
	}
	spec.MaxRecordBytes -= verify.EnvelopeLen
	return spec
}

// envelopeTooBig adds to a workload field's error, in a verified run, that the envelope took its
// bytes from the record limit (a record size the limit allows without --verify is refused).
func envelopeTooBig(opts Options, err error) error {
	var fe *workload.FieldError
	if opts.Verify && errors.As(err, &fe) && fe.Field == "record_size" && fe.File == "" {
		return fmt.Errorf("workload: %w", &workload.FieldError{Field: fe.Field,
			Err: fmt.Errorf("%w (--verify's %d-byte envelope counts against the record limit)", fe.Err, verify.EnvelopeLen)})
	}
	return err
}
