package workload

import (
	"context"
	"errors"
	"time"
)

// Record is one user record handed to a Sink.
//
// Ownership: every Record is built fresh. Once Emit or TryEmit returns nil the sink owns
// r.Data and may keep or modify it; the generator never reads or writes it again. When they
// return an error the generator keeps r.Data and may fill it again for a later record, so a
// sink must not keep a record it refuses. Strings are
// immutable and may be shared between records (pool keys are).
type Record struct {
	// PartitionKey is 1..256 characters.
	PartitionKey string
	// ExplicitHashKey is a decimal 128-bit hash key that picks the shard instead of the MD5 of
	// PartitionKey; "" means none.
	ExplicitHashKey string
	// Data is at least 1 byte, and len(Data)+len(PartitionKey) ≤ Spec.MaxRecordBytes.
	Data []byte
}

// Sink receives the generated records; the producer is wired in through a small adapter.
// Emit may block (backpressure); it is only called from the generator's goroutine.
type Sink interface {
	Emit(ctx context.Context, r Record) error
}

// TrySink is an optional Sink extension, picked by type assertion: a TryEmit that never blocks
// and returns an error wrapping ErrSinkFull when the sink has no room. With
// Backpressure "auto" (the default) the generator uses it, so a full sink costs dropped records
// at once instead of a stalled schedule.
type TrySink interface {
	Sink
	TryEmit(r Record) error
}

// TimedTrySink is an optional TrySink extension, picked by type assertion, for sinks that time
// their records: the generator calls TryEmitAt instead of TryEmit, with now its own reading of
// its Clock for the hand-over, so the sink need not read the clock again per record. The
// generator reads it once for a short run of records handed over in a row (16 at most), so
// now is never after the call and before it by at most the time the records before it in
// that run took to hand over.
type TimedTrySink interface {
	TrySink
	TryEmitAt(r Record, now time.Time) error
}

// ErrSinkFull is what a sink returns (wrapped or not) from TryEmit, or from Emit, when it
// refuses a record for lack of room. The generator counts such records as dropped and goes on;
// any other sink error stops Run.
var ErrSinkFull = errors.New("workload: sink full")

// SinkFunc adapts a function to Sink.
type SinkFunc func(ctx context.Context, r Record) error

// Emit calls f(ctx, r).
func (f SinkFunc) Emit(ctx context.Context, r Record) error { return f(ctx, r) }
