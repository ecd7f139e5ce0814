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

func TestBucketsPlusAddsEveryBucket(t *testing.T) {
	one := Buckets{Generated: 1, Delivered: 2, Failed: 3, Expired: 4, NotSentBehind: 5, NotSentFull: 6, PendingAtEnd: 7}
	got := one.Plus(one)
	want := Buckets{Generated: 2, Delivered: 4, Failed: 6, Expired: 8, NotSentBehind: 10, NotSentFull: 12, PendingAtEnd: 14}
	if got != want {
		t.Fatalf("Plus = %+v, want %+v", got, want)
	}
	if got.NotSent() != 22 || got.Outcomes() != 4+6+8+10+12+14 {
		t.Fatalf("NotSent %d, Outcomes %d", got.NotSent(), got.Outcomes())
	}
}
