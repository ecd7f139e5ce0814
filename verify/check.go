package verify

// Bucket counts the ledger entries of one outcome found in the stream (at least one copy,
// KCL-dropped copies included) and not found.
type Bucket struct{ Found, NotFound int64 }

// Report is the comparison of a run's ledger with what the read-back found. Every ledger entry
// falls in exactly one (outcome, found / not found) bucket: Unaccounted is 0 when they add up.
type Report struct {
	// Records is the ledger's size: sequence numbers handed out.
	Records int64
	buckets [numOutcomes]Bucket

	// StoredOnce and StoredMoreThanOnce count records found once and more than once;
	// ExtraCopies the copies beyond the first.
	StoredOnce, StoredMoreThanOnce, ExtraCopies int64
	// The causes of records stored more than once, each counted once: a copy a KCL consumer
	// drops (an aggregate stored on a shard it was not built for: a wrong-shard re-send); else the producer said
	// an earlier attempt went unanswered (MaybeDuplicated, or a maybe-stored record: a retry
	// after a timeout); else unexplained.
	DuplicatesWrongShard, DuplicatesAfterRetry, DuplicatesUnexplained int64

	// OrderViolations counts records of one partition key whose first copy in a shard comes
	// after the first copy of a later record of that key (in run order). Retries reorder: a
	// record retried after a throttle is stored after records handed over later.
	OrderViolations int64
	// KCLDroppedSubRecords counts the sub-record copies a KCL consumer drops (in an aggregate
	// holding a hash key outside the storing shard's range); KCLDroppedOnly the records whose
	// every copy is such a one: stored, but a KCL consumer never sees them.
	KCLDroppedSubRecords, KCLDroppedOnly int64
	// Unknown counts records of this run whose sequence number the run never handed out.
	Unknown int64
	// Foreign counts Kinesis records read that are not this run's (other producers, other
	// runs); Malformed the aggregates that do not parse (a KCL consumer delivers them raw).
	Foreign, Malformed int64
	// MissingSample holds the first few missing sequence numbers, for a person to look up.
	MissingSample []uint64
}

// missingSampleLen bounds Report.MissingSample.
const missingSampleLen = 10

// Outcomes lists every Outcome, in order.
func Outcomes() []Outcome {
	out := make([]Outcome, numOutcomes)
	for i := range out {
		out[i] = Outcome(i)
	}
	return out
}

// Bucket returns the counts of one outcome.
func (r Report) Bucket(o Outcome) Bucket {
	if o >= numOutcomes {
		return Bucket{}
	}
	return r.buckets[o]
}

// Missing counts acknowledged records not found: data loss.
func (r Report) Missing() int64 { return r.buckets[Acknowledged].NotFound }

// Anomalies counts what the producer's categories say cannot be: records it said were not
// stored (not stored, never sent, refused) found in the stream, and unknown records.
func (r Report) Anomalies() int64 {
	return r.buckets[NotStored].Found + r.buckets[NeverSent].Found + r.buckets[Refused].Found + r.Unknown
}

// Unaccounted is the ledger entries in no bucket (0 unless the comparison is broken), plus
// those whose outcome never came (Unresolved): entries the producer told nothing about.
func (r Report) Unaccounted() int64 {
	var sum int64
	for _, b := range r.buckets {
		sum += b.Found + b.NotFound
	}
	u := r.buckets[Unresolved]
	return r.Records - sum + u.Found + u.NotFound
}

// Check compares the ledger with the tally of a read-back.
func Check(l *Ledger, t *Tally) Report {
	entries := l.snapshot()
	t.mu.Lock()
	defer t.mu.Unlock()
	r := Report{Records: int64(len(entries)), Unknown: t.unknown, OrderViolations: t.orderViolations,
		KCLDroppedSubRecords: t.kclDropped, Foreign: t.foreign, Malformed: t.malformed}
	for seq, e := range entries {
		o, maybeDup := Outcome(e&outcomeMask), e&maybeDuplicatedBit != 0
		if o >= numOutcomes {
			o = Unresolved
		}
		var copies, dropped int64
		if uint64(seq) < t.Records {
			copies, dropped = int64(t.copies[seq]), int64(t.dropped[seq])
		}
		if copies == 0 {
			r.buckets[o].NotFound++
			if o == Acknowledged && len(r.MissingSample) < missingSampleLen {
				r.MissingSample = append(r.MissingSample, uint64(seq))
			}
			continue
		}
		r.buckets[o].Found++
		if dropped == copies {
			r.KCLDroppedOnly++
		}
		if copies == 1 {
			r.StoredOnce++
			continue
		}
		r.StoredMoreThanOnce++
		r.ExtraCopies += copies - 1
		switch {
		case dropped > 0:
			r.DuplicatesWrongShard++
		case maybeDup || o == MaybeStored:
			r.DuplicatesAfterRetry++
		default:
			r.DuplicatesUnexplained++
		}
	}
	return r
}
