package verify

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// Every bucket of the report, from a synthetic ledger and read-back: each case is one record.
func TestCheckFillsEveryBucket(t *testing.T) {
	type rec struct {
		o             Outcome
		maybeDup      bool
		copies, kclDr int
	}
	recs := []rec{
		0:  {Acknowledged, false, 1, 0}, // stored once
		1:  {Acknowledged, true, 3, 0},  // two extra copies: a retry after a timeout
		2:  {Acknowledged, false, 0, 0}, // missing: data loss
		3:  {Acknowledged, false, 2, 1}, // a wrong-shard re-send
		4:  {Acknowledged, false, 2, 0}, // unexplained duplicate
		5:  {MaybeStored, false, 1, 0},  // maybe stored, found
		6:  {MaybeStored, false, 0, 0},  // maybe stored, not found
		7:  {MaybeStored, false, 2, 0},  // maybe stored, stored twice: retries after timeouts
		8:  {NotStored, false, 0, 0},    // as said
		9:  {NotStored, false, 1, 0},    // anomaly
		10: {NeverSent, false, 0, 0},    // as said
		11: {NeverSent, false, 1, 0},    // anomaly
		12: {Refused, false, 1, 0},      // anomaly
		13: {Unresolved, false, 0, 0},   // the producer never said: unaccounted
		14: {Acknowledged, false, 1, 1}, // stored, but only where a KCL consumer drops it
	}
	var l Ledger
	for i, r := range recs {
		if seq := l.Next(); seq != uint64(i) {
			t.Fatalf("Next = %d, want %d", seq, i)
		}
		if r.o != Unresolved {
			l.Set(uint64(i), r.o, r.maybeDup)
		}
	}
	tally := NewTally(l.Len())
	var copies []found
	for i, r := range recs {
		for c := range r.copies {
			copies = append(copies, found{seq: uint64(i), kclDropped: c < r.kclDr})
		}
	}
	copies = append(copies, found{seq: 99}) // beyond the ledger
	tally.add(copies, 2, 5, 1)

	rep := Check(&l, tally)
	want := map[Outcome]Bucket{Acknowledged: {5, 1}, MaybeStored: {2, 1}, NotStored: {1, 1}, NeverSent: {1, 1}, Refused: {1, 0}, Unresolved: {0, 1}}
	for _, o := range Outcomes() {
		if got := rep.Bucket(o); got != want[o] {
			t.Errorf("%s: %+v, want %+v", o, got, want[o])
		}
	}
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"records", rep.Records, 15}, {"stored once", rep.StoredOnce, 6}, {"stored more than once", rep.StoredMoreThanOnce, 4},
		{"extra copies", rep.ExtraCopies, 5}, {"after retry", rep.DuplicatesAfterRetry, 2}, {"wrong shard", rep.DuplicatesWrongShard, 1},
		{"unexplained", rep.DuplicatesUnexplained, 1}, {"missing", rep.Missing(), 1}, {"anomalies", rep.Anomalies(), 4},
		{"unknown", rep.Unknown, 1}, {"order", rep.OrderViolations, 2}, {"kcl dropped copies", rep.KCLDroppedSubRecords, 2},
		{"kcl dropped only", rep.KCLDroppedOnly, 1}, {"foreign", rep.Foreign, 5}, {"malformed", rep.Malformed, 1},
		{"unaccounted", rep.Unaccounted(), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	if !slices.Equal(rep.MissingSample, []uint64{2}) {
		t.Errorf("missing sample %v, want [2]", rep.MissingSample)
	}
}

// Whatever the ledger and the read-back, every entry lands in exactly one bucket, and the
// found / not found split matches the copies.
func TestCheckAccountsForEveryEntry(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 300).Draw(t, "records")
		var l Ledger
		outcomes := make([]Outcome, n)
		for i := range n {
			l.Next()
			outcomes[i] = Outcome(rapid.IntRange(0, int(numOutcomes)-1).Draw(t, "outcome"))
			l.Set(uint64(i), outcomes[i], rapid.Bool().Draw(t, "maybeDup"))
		}
		tally := NewTally(l.Len())
		var copies []found
		foundSet := map[uint64]bool{}
		for range rapid.IntRange(0, 2*n).Draw(t, "copies") {
			seq := uint64(rapid.IntRange(0, n+3).Draw(t, "seq"))
			copies = append(copies, found{seq: seq, kclDropped: rapid.Bool().Draw(t, "dropped")})
			foundSet[seq] = true
		}
		tally.add(copies, 0, 0, 0)
		rep := Check(&l, tally)
		var sum, unresolved int64
		for _, o := range Outcomes() {
			b := rep.Bucket(o)
			sum += b.Found + b.NotFound
		}
		var wantFound int64
		for i, o := range outcomes {
			if foundSet[uint64(i)] {
				wantFound++
			}
			if o == Unresolved {
				unresolved++
			}
		}
		var gotFound int64
		for _, o := range Outcomes() {
			gotFound += rep.Bucket(o).Found
		}
		if sum != int64(n) || gotFound != wantFound || rep.Unaccounted() != unresolved {
			t.Fatalf("buckets sum %d of %d records, found %d want %d, unaccounted %d want %d", sum, n, gotFound, wantFound, rep.Unaccounted(), unresolved)
		}
		if rep.StoredOnce+rep.StoredMoreThanOnce != wantFound {
			t.Fatalf("stored once %d + more %d != found %d", rep.StoredOnce, rep.StoredMoreThanOnce, wantFound)
		}
		if rep.DuplicatesAfterRetry+rep.DuplicatesWrongShard+rep.DuplicatesUnexplained != rep.StoredMoreThanOnce {
			t.Fatalf("duplicate causes do not add up: %+v", rep)
		}
	})
}

// The ledger keeps a byte a record, whatever order outcomes arrive in.
func TestLedgerOutOfOrderAndGrowth(t *testing.T) {
	var l Ledger
	for range 5000 {
		l.Next()
	}
	l.Set(4999, Acknowledged, true)
	l.Set(3, NotStored, false)
	if o, d := l.Entry(4999); o != Acknowledged || !d {
		t.Fatalf("entry 4999: %v %v", o, d)
	}
	if o, d := l.Entry(3); o != NotStored || d {
		t.Fatalf("entry 3: %v %v", o, d)
	}
	if o, _ := l.Entry(10); o != Unresolved {
		t.Fatalf("entry 10 (never set): %v", o)
	}
	if got := len(l.snapshot()); got != 5000 {
		t.Fatalf("snapshot of %d entries, want 5000", got)
	}
}
