package producer

import "testing"

// The stock keeps emptied slabs, cleared (no user's record stays reachable through it), up to a
// quarter of MaxBufferedRecords' room, and hands out only slabs sized for the aggregate asking.
func TestSlabStock(t *testing.T) {
	var st slabStock
	full := func(n int) []userRecord {
		s := make([]userRecord, n)
		for i := range s {
			s[i].rec.PartitionKey, s[i].rec.Data = "k", []byte("data")
		}
		return s
	}
	st.give(full(450), 4000) // room 450 of 1000
	st.give(full(500), 4000) // 950
	st.give(full(100), 4000) // would be 1050: dropped
	st.give(full(10), 4000)  // too small to keep
	if len(st.slabs) != 2 || st.room != 950 {
		t.Fatalf("stock holds %d slabs, room %d; want 2, 950", len(st.slabs), st.room)
	}
	for _, s := range st.slabs {
		for _, u := range s[:cap(s)] {
			if u.rec.Data != nil || u.rec.PartitionKey != "" {
				t.Fatal("a slab in the stock still holds a user's record")
			}
		}
	}
	if s := st.take(20); s != nil {
		t.Fatalf("an aggregate after one of 20 records starts with a slab of %d", cap(s))
	}
	if s := st.take(100); cap(s) != 100 || len(st.slabs) != 2 {
		t.Fatalf("after an aggregate of 100: a slab of %d, %d left in the stock; want a new one of 100, 2 left", cap(s), len(st.slabs))
	}
	if s := st.take(440); len(s) != 0 || cap(s) != 500 && cap(s) != 450 {
		t.Fatalf("after an aggregate of 440: a slab of %d/%d; want one of the stock's", len(s), cap(s))
	}
	if len(st.slabs) != 1 || st.room != 950-500 && st.room != 950-450 {
		t.Fatalf("stock holds %d slabs, room %d after one was taken", len(st.slabs), st.room)
	}
}
