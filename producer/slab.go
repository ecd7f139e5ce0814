package producer

import "sync"

// A shard's open aggregate holds its user records by value, side by side, in a slab
// ([]userRecord). Sealing hands the slab to the aggregate's krec (krec.users) and the shard
// starts another; once every record of an aggregate is delivered, its slab goes back to the
// producer's stock for the next aggregate of any shard.
//
// Records pooled one by one (as they were) came back from their pool cold, recycled long before
// when their request returned, and lay scattered: the first write to each, in Put, missed the
// cache, and encoding and resolving an aggregate chased a pointer per record. In a slab they are
// written, encoded and resolved in the order they lie in memory.

// slabStock holds emptied slabs (length 0, every element zero), up to a quarter of
// MaxBufferedRecords' room in all (4 MiB at the default 100,000): a request's response gives
// back all its aggregates' slabs at once, as the next requests' aggregates fill. It is the
// producer's own, not a sync.Pool: a collection empties a sync.Pool, and at 1 KiB per record
// collections came often enough that most aggregates allocated a new slab.
type slabStock struct {
	mu    sync.Mutex
	slabs [][]userRecord
	room  int // the capacity of the slabs held, in records
}

// minPooledSlab is the smallest aggregate whose successor starts in a slab from the stock. A
// shard whose aggregates are smaller starts each one empty and lets append size it: a slab
// sized for a busy shard would sit mostly empty in a quiet shard's open aggregate for as long
// as RecordMaxBufferedTime, and a stream may have thousands of quiet shards.
const minPooledSlab = 32

// stockScan is how many of the latest slabs take looks through for one of the right size.
const stockScan = 8

// take returns an empty slab for the aggregate after one of last records: one from the stock
// with room for last to 2×last records (shards of 100-byte and 1 KiB records share the stock:
// a slab for 450 records would hold 50), else a new one.
func (st *slabStock) take(last int) []userRecord {
	if last < minPooledSlab {
		return nil
	}
	st.mu.Lock()
	for i := len(st.slabs) - 1; i >= 0 && i >= len(st.slabs)-stockScan; i-- {
		if c := cap(st.slabs[i]); c >= last && c <= 2*last {
			s := st.slabs[i]
			n := len(st.slabs) - 1
			st.slabs[i], st.slabs[n] = st.slabs[n], nil
			st.slabs = st.slabs[:n]
			st.room -= c
			st.mu.Unlock()
			return s
		}
	}
	st.mu.Unlock()
	return make([]userRecord, 0, last)
}

// give takes back the slab of an aggregate whose records are all resolved: nothing may hold a
// pointer into it any more. It is cleared first so that the stock keeps none of the users'
// records (their data, their callbacks) reachable.
func (st *slabStock) give(users []userRecord, maxBuffered int) {
	if cap(users) < minPooledSlab {
		return
	}
	clear(users)
	st.mu.Lock()
	if st.room+cap(users) <= maxBuffered/4 {
		st.slabs = append(st.slabs, users[:0])
		st.room += cap(users)
	}
	st.mu.Unlock()
}
