package main

import (
	"strings"
	"testing"
)

func TestAccountingBucketsMustSumToGenerated(t *testing.T) {
	b := Buckets{Generated: 100, Delivered: 60, Failed: 5, Expired: 5, NotSentBehind: 10, NotSentFull: 15, PendingAtEnd: 5}
	if a := account(b, 60); !a.Accounted || len(a.Problems) != 0 {
		t.Fatalf("a run whose buckets sum and match the emulator is accounted for: %+v", a)
	}
	b.PendingAtEnd = 4 // one record lost in the contender's bookkeeping
	a := account(b, 60)
	if a.Accounted || !strings.Contains(strings.Join(a.Problems, ";"), "buckets sum to 99, but 100") {
		t.Fatalf("a missing record must be reported: %+v", a)
	}
}

func TestAccountingComparesWithGroundTruth(t *testing.T) {
	b := Buckets{Generated: 10, Delivered: 10}
	a := account(b, 12)
	if a.Accounted || a.Extra != 2 || a.Missing != 0 || !strings.Contains(a.Problems[0], "2 user records more") {
		t.Fatalf("records stored twice must show as extra: %+v", a)
	}
	a = account(b, 7)
	if a.Accounted || a.Missing != 3 || a.Extra != 0 || !strings.Contains(a.Problems[0], "3 acknowledged records are not at the emulator") {
		t.Fatalf("acknowledged records the emulator lacks must show as missing: %+v", a)
	}
}

// Records of a request abandoned in flight at the end may have been stored: the emulator may
// hold up to that many more than were acknowledged, not one more.
func TestAccountingAllowsWhatAbandonedRequestsMayHaveStored(t *testing.T) {
	b := Buckets{Generated: 100, Delivered: 80, PendingAtEnd: 20, PendingInFlight: 5}
	for stored, ok := range map[int64]bool{80: true, 83: true, 85: true, 86: false} {
		a := account(b, stored)
		if a.Accounted != ok || a.Extra != stored-80 {
			t.Errorf("stored %d with 5 abandoned in flight: %+v, want accounted %v", stored, a, ok)
		}
	}
	if a := account(b, 86); len(a.Problems) != 1 || !strings.Contains(a.Problems[0], "1 more than the 5 pending in abandoned requests") {
		t.Errorf("the problem must say how many are beyond the abandoned requests: %+v", a.Problems)
	}
}

// A PutRecord that timed out or lost its connection may have landed (Kinesis writes are at
// least once): stored but not acknowledged, or stored twice when re-sent, whether the client
// re-sent it or the SDK's retries did under it. Up to that many extra records are accounted for
// (reported as extra), not one more.
func TestAccountingAllowsWhatUnansweredRequestsMayHaveStored(t *testing.T) {
	b := Buckets{Generated: 100, Delivered: 90, Failed: 10, FailedMaybeStored: 2, AckedMaybeDuplicated: 1, UnansweredRecords: 3}
	if b.UnknownOutcome() != 6 {
		t.Fatalf("unknown outcome %d, want 2 + 1 + 3", b.UnknownOutcome())
	}
	for stored, ok := range map[int64]bool{90: true, 92: true, 96: true, 97: false} {
		if a := account(b, stored); a.Accounted != ok || a.Extra != stored-90 {
			t.Errorf("stored %d with 6 of unknown outcome: %+v, want accounted %v", stored, a, ok)
		}
	}
	if a := account(b, 97); len(a.Problems) != 1 || !strings.Contains(a.Problems[0], "1 more than the 0 pending in abandoned requests and the 6 others whose requests went unanswered") {
		t.Errorf("the problem must say how many are beyond the unknown outcomes: %+v", a.Problems)
	}
}

func TestBucketsPlusAddsEveryBucket(t *testing.T) {
	one := Buckets{Generated: 1, Delivered: 2, Failed: 3, Expired: 4, NotSentBehind: 5, NotSentFull: 6, PendingAtEnd: 7, PendingInFlight: 1,
		FailedMaybeStored: 1, AckedMaybeDuplicated: 2, UnansweredRecords: 3}
	got := one.Plus(one)
	want := Buckets{Generated: 2, Delivered: 4, Failed: 6, Expired: 8, NotSentBehind: 10, NotSentFull: 12, PendingAtEnd: 14, PendingInFlight: 2,
		FailedMaybeStored: 2, AckedMaybeDuplicated: 4, UnansweredRecords: 6}
	if got != want {
		t.Fatalf("Plus = %+v, want %+v", got, want)
	}
	if got.NotSent() != 22 || got.Outcomes() != 4+6+8+10+12+14 {
		t.Fatalf("NotSent %d, Outcomes %d", got.NotSent(), got.Outcomes())
	}
}
