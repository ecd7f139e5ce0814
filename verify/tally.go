package verify

import "sync"

// Tally is what a read-back found of one run: the copies of each record the stream holds, and
// what does not fit the ledger. The Reader fills it; Check compares it with the Ledger.
type Tally struct {
	// Records is how many sequence numbers the run handed out: a record of the run with a
	// number at or beyond it is unknown (corruption, or another process using the run's id).
	Records uint64

	mu sync.Mutex
	// copies[seq] is how many copies of the record were found (saturating at 255), dropped[seq]
	// how many of those a KCL consumer drops: in an aggregate holding a hash key outside the
	// storing shard's range.
	copies, dropped []uint8
	// unknown: records of the run beyond Records. kclDropped: sub-record copies the KCL drops.
	// orderViolations: see Report.OrderViolations. foreign: Kinesis records of other producers
	// (no envelope of this run). malformed: aggregates that do not parse.
	unknown, kclDropped, orderViolations, foreign, malformed int64
}

// NewTally returns an empty tally for a run that handed out records sequence numbers.
func NewTally(records uint64) *Tally {
	return &Tally{Records: records, copies: make([]uint8, records), dropped: make([]uint8, records)}
}

// found is one copy of a run's record read from a shard.
type found struct {
	seq        uint64
	kclDropped bool
}

// add counts copies read from one page of one shard, and that page's order violations,
// foreign and malformed records.
func (t *Tally) add(copies []found, orderViolations, foreign, malformed int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range copies {
		if c.kclDropped {
			t.kclDropped++
		}
		if c.seq >= t.Records {
			t.unknown++
			continue
		}
		t.copies[c.seq] = inc(t.copies[c.seq])
		if c.kclDropped {
			t.dropped[c.seq] = inc(t.dropped[c.seq])
		}
	}
	t.orderViolations += orderViolations
	t.foreign += foreign
	t.malformed += malformed
}

func inc(n uint8) uint8 {
	if n == 255 {
		return n
	}
	return n + 1
}

// Copies returns how many copies of record seq were found, and how many of them a KCL
// consumer drops.
func (t *Tally) Copies(seq uint64) (copies, kclDropped int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if seq >= t.Records {
		return 0, 0
	}
	return int(t.copies[seq]), int(t.dropped[seq])
}
