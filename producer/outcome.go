package producer

// Outcome is what a resolved record's fate means for the stream: whether the service holds it.
// A load test that reports "succeeded" and "failed" alone says more than it knows: a request
// that timed out may have been stored, so its records are neither; and a record acknowledged
// after such a request may be stored twice.
type Outcome int

// Outcomes, one per resolved record.
const (
	// Acknowledged: the service answered with the record's sequence number.
	Acknowledged Outcome = iota
	// MaybeStored: the record failed, but at least one attempt was sent and got no answer (timed
	// out, connection lost after sending, abandoned at Close), or its aggregate was stored on a
	// shard it was not built for: the stream may hold it.
	MaybeStored
	// NotStored: the record failed and every attempt was answered with an error, or never reached
	// the service (the connection was refused): the stream does not hold it.
	NotStored
	// NeverSent: the record failed before any attempt (expired in the buffer, or the producer
	// closed before sending it).
	NeverSent
)

func (o Outcome) String() string {
	switch o {
	case Acknowledged:
		return "acknowledged"
	case MaybeStored:
		return "maybe stored"
	case NotStored:
		return "not stored"
	case NeverSent:
		return "never sent"
	}
	return "unknown"
}

// codeWrongShard is the attempt code of an aggregate the service stored on another shard than
// the one it was built for (see wrongshard.go).
const codeWrongShard = "WrongShard"

// mayHaveStored reports whether an attempt may have left a copy in the stream that its result
// does not name: no answer came, or the copy landed on a shard where a KCL consumer drops it.
func (a Attempt) mayHaveStored() bool { return a.Unanswered || a.Code == codeWrongShard }

// Outcome classifies the result.
func (r Result) Outcome() Outcome {
	if r.Err == nil {
		return Acknowledged
	}
	return outcomeOf(r.Attempts, anyMayHaveStored(r.Attempts))
}

// MaybeDuplicated reports whether an acknowledged record may be in the stream more than once:
// an attempt before the one acknowledged may have stored it too (Kinesis writes are at least
// once). A read-back tells for sure.
func (r Result) MaybeDuplicated() bool {
	return r.Err == nil && len(r.Attempts) > 1 && anyMayHaveStored(r.Attempts[:len(r.Attempts)-1])
}

func anyMayHaveStored(atts []Attempt) bool {
	for _, a := range atts {
		if a.mayHaveStored() {
			return true
		}
	}
	return false
}

// outcomeOf classifies a failed record from its attempts (mayHaveStored: anyMayHaveStored of them).
func outcomeOf(atts []Attempt, mayHaveStored bool) Outcome {
	switch {
	case len(atts) == 0:
		return NeverSent
	case mayHaveStored:
		return MaybeStored
	}
	return NotStored
}
