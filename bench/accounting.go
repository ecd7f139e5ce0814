package main

import "fmt"

// Buckets is where the generated records of a run ended. Every record the generator produced
// ends in exactly one bucket, counted where it happened (never derived as a remainder), so the
// sum checks the contender's bookkeeping.
type Buckets struct {
	Generated int64 `json:"generated"`
	Delivered int64 `json:"delivered"` // acknowledged success
	Failed    int64 `json:"failed"`    // resolved with an error (other than expiry)
	Expired   int64 `json:"expired"`   // retried until the record's TTL (the producers' RecordTtl)
	// NotSentBehind: the generator's turn for the record came more than a second late (the
	// machine could not keep the schedule); NotSentFull: the contender's queue or buffer was
	// full (backpressure). Neither was ever offered to Kinesis.
	NotSentBehind int64 `json:"not_sent_behind"`
	NotSentFull   int64 `json:"not_sent_full"`
	// PendingAtEnd: still held, or in a request abandoned, when the drain time ran out.
	PendingAtEnd int64 `json:"pending_at_end"`
	// PendingInFlight counts those of PendingAtEnd whose request was in flight when it was
	// abandoned: the service may have stored them (not a bucket of its own; not in Outcomes).
	PendingInFlight int64 `json:"pending_in_flight"`
	// The other records whose fate the contender cannot know (none a bucket of its own): the
	// service may have stored them without the contender seeing it acknowledged once.
	//   - FailedMaybeStored: of Failed, those whose last request went unanswered (a timeout, a
	//     broken connection): stored or not, the client cannot tell.
	//   - AckedMaybeDuplicated: of Delivered, those acknowledged after an earlier unanswered
	//     attempt of the client's own, which may have stored them too.
	//   - UnansweredRecords: records in write requests that got no HTTP answer at all, seen under
	//     the SDK (whose own retries re-send them without the client knowing).
	FailedMaybeStored    int64 `json:"failed_maybe_stored"`
	AckedMaybeDuplicated int64 `json:"acked_maybe_duplicated"`
	UnansweredRecords    int64 `json:"unanswered_records"`
}

// UnknownOutcome is how many more records than acknowledged the service may legitimately have
// stored: Kinesis writes are at least once, and these records' requests went unanswered.
func (b Buckets) UnknownOutcome() int64 {
	return b.PendingInFlight + b.FailedMaybeStored + b.AckedMaybeDuplicated + b.UnansweredRecords
}

// Outcomes sums the buckets other than Generated.
func (b Buckets) Outcomes() int64 {
	return b.Delivered + b.Failed + b.Expired + b.NotSentBehind + b.NotSentFull + b.PendingAtEnd
}

// NotSent is both not-sent buckets.
func (b Buckets) NotSent() int64 { return b.NotSentBehind + b.NotSentFull }

// Plus adds two runs' buckets (the producers of a multi-producer cell).
func (b Buckets) Plus(o Buckets) Buckets {
	return Buckets{
		Generated: b.Generated + o.Generated, Delivered: b.Delivered + o.Delivered, Failed: b.Failed + o.Failed,
		Expired: b.Expired + o.Expired, NotSentBehind: b.NotSentBehind + o.NotSentBehind,
		NotSentFull: b.NotSentFull + o.NotSentFull, PendingAtEnd: b.PendingAtEnd + o.PendingAtEnd,
		PendingInFlight: b.PendingInFlight + o.PendingInFlight, FailedMaybeStored: b.FailedMaybeStored + o.FailedMaybeStored,
		AckedMaybeDuplicated: b.AckedMaybeDuplicated + o.AckedMaybeDuplicated, UnansweredRecords: b.UnansweredRecords + o.UnansweredRecords,
	}
}

// Accounting is the verdict on whether every record is accounted for.
type Accounting struct {
	// Accounted: the buckets sum to the generated count and the emulator stored as many user
	// records as the contender saw acknowledged, plus at most those of requests abandoned in
	// flight at the end (which the service may or may not have stored before the abandon).
	Accounted bool `json:"accounted"`
	// GroundTruth is the user records the emulator stored (KPL aggregates counted by their
	// sub-records).
	GroundTruth int64 `json:"ground_truth_user_records"`
	// Extra = GroundTruth − Delivered when positive: records stored from requests that went
	// unanswered (abandoned in flight at the end of the drain, timed out, cut off; accounted for up
	// to Buckets.UnknownOutcome), or stored more than once beyond that (a problem). Missing is the reverse, which should never happen: acknowledged
	// but not stored.
	Extra    int64    `json:"extra_at_emulator"`
	Missing  int64    `json:"missing_at_emulator"`
	Problems []string `json:"problems,omitempty"`
}

// account checks the buckets and compares the acknowledged count with the emulator's.
func account(b Buckets, groundTruth int64) Accounting {
	a := Accounting{GroundTruth: groundTruth}
	if sum := b.Outcomes(); sum != b.Generated {
		a.Problems = append(a.Problems, fmt.Sprintf("buckets sum to %d, but %d records were generated (%+d)", sum, b.Generated, sum-b.Generated))
	}
	switch d, unknown := groundTruth-b.Delivered, b.UnknownOutcome(); {
	case d > 0 && d <= unknown:
		a.Extra = d // stored from requests that went unanswered: at least once, as Kinesis is
	case d > 0:
		a.Extra = d
		a.Problems = append(a.Problems, fmt.Sprintf("the emulator stored %d user records more than were acknowledged (%d more than the %d pending in abandoned requests and the %d others whose requests went unanswered: duplicates)",
			d, d-unknown, b.PendingInFlight, unknown-b.PendingInFlight))
	case d < 0:
		a.Missing = -d
		a.Problems = append(a.Problems, fmt.Sprintf("%d acknowledged records are not at the emulator", -d))
	}
	a.Accounted = len(a.Problems) == 0
	return a
}
