package workload

import (
	"sync/atomic"
	"time"
)

// Stats is a snapshot of a generator's counters, cheap enough to poll many times a second.
//
// Every record whose scheduled time has come is counted once in Scheduled and then ends in
// exactly one of Emitted, Dropped or Failed (Scheduled = Emitted + Dropped + Failed, plus one
// while a record is being handed to the sink). With TryEmit the generator adds its counts in
// runs of at most 16 records (and whenever it waits), so a snapshot taken while it sends
// flat out can be that many records behind.
type Stats struct {
	// Scheduled counts records whose scheduled time has come.
	Scheduled uint64
	// Emitted counts records the sink accepted; EmittedBytes their data + partition key bytes.
	Emitted      uint64
	EmittedBytes uint64
	// Late counts emitted records handed to the sink more than Spec.LateAfter after their
	// scheduled time (a subset of Emitted): the sink or the machine held the schedule back.
	Late uint64
	// Dropped = DroppedBehind + DroppedFull: records never sent.
	Dropped uint64
	// DroppedBehind counts records skipped because their turn came more than Spec.MaxLag
	// after their scheduled time (the sink had blocked the generator that long).
	DroppedBehind uint64
	// DroppedFull counts records the sink refused with ErrSinkFull.
	DroppedFull uint64
	// Failed counts records the sink refused with another error (Run then stops), including
	// one whose Emit was cut short by the end of Run's context.
	Failed uint64
	// Lag is how far behind its scheduled time the latest record counted was handed over or
	// dropped; MaxLag the most any record has been. With TryEmit the generator reads the clock
	// once for up to 16 records handed over in a row, so a lag (and Late) can read short by
	// the time the records before it in that run took: microseconds.
	Lag, MaxLag time.Duration
	// TargetRate is the rate the schedule asks for now, in records/s (0 while paused and
	// once Run has returned).
	TargetRate float64
	Paused     bool
	// Done is set once Run has returned.
	Done bool
	// Elapsed is the time run so far, pauses excluded (the shape's clock).
	Elapsed time.Duration
	// Shape, Keys, Size and Payload are the current settings in compact form.
	Shape, Keys, Size, Payload string
	Seed                       uint64
}

// counters are written by the generator's goroutine and read by Stats.
type counters struct {
	scheduled, emitted, emittedBytes, late atomic.Uint64
	droppedBehind, droppedFull, failed     atomic.Uint64
	lag, maxLag                            atomic.Int64
}
