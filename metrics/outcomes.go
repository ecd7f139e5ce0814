package metrics

// Outcomes count the run's records by what their fate means for the stream (producer.Outcome),
// cumulative since the producer started. They come from the producer's own counters
// (producer.StreamStats), the one source the progress lines, the CSV series and the summary's
// accounting all read, so they cannot disagree.
type Outcomes struct {
	// Acknowledged: the service answered with a sequence number.
	Acknowledged int64
	// MaybeStored: failed, but an attempt was sent and got no answer (timed out, connection
	// lost, abandoned at close): the stream may hold them; only a read-back tells.
	MaybeStored int64
	// NotStored: failed, every attempt answered with an error: the stream does not hold them.
	NotStored int64
	// NeverSent: failed before any attempt (expired in the buffer, closed), plus records the
	// workload's sink refused with an error, which never reached the producer.
	NeverSent int64
	// PossibleDuplicates are acknowledged records an earlier attempt, which got no answer, may
	// have stored too (a subset of Acknowledged).
	PossibleDuplicates int64
	// Expired is the reason breakdown of the failed ones: those that failed because their
	// RecordTtl passed, in any of the three failed categories.
	Expired int64
}

// Failed is MaybeStored + NotStored + NeverSent: every record that was not acknowledged.
func (o Outcomes) Failed() int64 { return o.MaybeStored + o.NotStored + o.NeverSent }

// outcomesOf reads the outcomes of a reading.
func outcomesOf(r *reading) Outcomes {
	p := &r.p.Stream
	o := Outcomes{
		Acknowledged: p.UserRecordsPut, MaybeStored: p.FailedMaybeStored, NotStored: p.FailedNotStored,
		NeverSent: p.FailedNeverSent, PossibleDuplicates: p.AckedMaybeDuplicated, Expired: p.Expired,
	}
	if r.hasW {
		o.NeverSent += int64(r.w.Failed)
	}
	return o
}
