package verify

import (
	"sync"
	"sync/atomic"
)

// Outcome is what the producer said about one record, in the package's own terms (the caller
// maps its producer's outcomes to these).
type Outcome uint8

const (
	// Unresolved: the record was handed to the producer and its result never came (the drain
	// ended first). The zero value: a sequence number handed out and not yet recorded.
	Unresolved Outcome = iota
	// Acknowledged: the service answered with the record's sequence number.
	Acknowledged
	// MaybeStored: failed, but an attempt went unanswered: the stream may hold it.
	MaybeStored
	// NotStored: failed, every attempt answered with an error: the stream must not hold it.
	NotStored
	// NeverSent: failed before any attempt (expired in the buffer, or closed before sending).
	NeverSent
	// Refused: the producer refused the record when it was handed over (its buffers were full,
	// or it was closing): never sent.
	Refused
	numOutcomes
)

func (o Outcome) String() string {
	switch o {
	case Unresolved:
		return "unresolved"
	case Acknowledged:
		return "acknowledged"
	case MaybeStored:
		return "maybe stored"
	case NotStored:
		return "not stored"
	case NeverSent:
		return "never sent"
	case Refused:
		return "refused"
	}
	return "unknown"
}

// maybeDuplicatedBit marks an acknowledged record an earlier attempt may have stored too.
const (
	outcomeMask        = 0x0f
	maybeDuplicatedBit = 0x10
)

// Ledger is what the producer said about each record of a run, by sequence number: one byte a
// record, so millions fit. Next hands out sequence numbers; Set records a record's outcome.
// Safe for concurrent use.
type Ledger struct {
	next atomic.Uint64

	mu      sync.Mutex
	entries []byte // by sequence number; len ≤ next
}

// Next hands out the next sequence number (0, 1, 2, …).
func (l *Ledger) Next() uint64 { return l.next.Add(1) - 1 }

// Set records the outcome of record seq (a number Next handed out); maybeDuplicated says an
// acknowledged record may have been stored by an earlier attempt too.
func (l *Ledger) Set(seq uint64, o Outcome, maybeDuplicated bool) {
	b := byte(o) & outcomeMask
	if maybeDuplicated {
		b |= maybeDuplicatedBit
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq >= uint64(len(l.entries)) {
		n := max(seq+1, uint64(2*len(l.entries)), 1024)
		n = min(n, max(seq+1, l.next.Load()))
		grown := make([]byte, n)
		copy(grown, l.entries)
		l.entries = grown
	}
	l.entries[seq] = b
}

// Len is how many sequence numbers were handed out.
func (l *Ledger) Len() uint64 { return l.next.Load() }

// Entry returns what was recorded for seq (Unresolved if nothing was).
func (l *Ledger) Entry(seq uint64) (o Outcome, maybeDuplicated bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq >= uint64(len(l.entries)) {
		return Unresolved, false
	}
	b := l.entries[seq]
	return Outcome(b & outcomeMask), b&maybeDuplicatedBit != 0
}

// snapshot returns the entries of every sequence number handed out (Unresolved where none was
// recorded).
func (l *Ledger) snapshot() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]byte, l.next.Load())
	copy(out, l.entries)
	return out
}
