package producer

import "sync"

// A shard's open aggregate holds its user records by value, side by side, in a slab
// ([]userRecord). Sealing hands the slab to the aggregate's krec (krec.users) and the shard
// starts another; once every record of an aggregate is delivered, its slab goes back to
// slabPool for the next aggregate of any shard.
//
// Records pooled one by one (as they were) came back from their pool cold, recycled long before
// when their request returned, and lay scattered: the first write to each, in Put, missed the
// cache, and encoding and resolving an aggregate chased a pointer per record. In a slab they are
// written, encoded and resolved in the order they lie in memory.

// slabPool holds emptied slabs (*[]userRecord, length 0, every element zero).
var slabPool sync.Pool

// minPooledSlab is the smallest aggregate whose successor starts in a pooled slab. A shard whose
// aggregates are smaller starts each one empty and lets append size it: a slab from the pool,
// sized for a busy shard, would sit mostly empty in a quiet shard's open aggregate for as long
// as RecordMaxBufferedTime, and a stream may have thousands of quiet shards.
const minPooledSlab = 32

// newSlab returns an empty slab for the aggregate after one of last records. A pooled slab
// much larger than that stays in the pool for a busier shard: shards of small records and of
// large ones share the pool, and a slab sized for 450 records of 100 bytes would hold 50 of 1 KiB.
func newSlab(last int) []userRecord {
	if last < minPooledSlab {
		return nil
	}
	if sp, ok := slabPool.Get().(*[]userRecord); ok {
		if cap(*sp) <= 2*last {
			return *sp
		}
		slabPool.Put(sp)
	}
	return make([]userRecord, 0, last)
}

// recycleSlab gives back the slab of an aggregate whose records are all resolved: nothing may
// hold a pointer into it any more. It is cleared first so that the pool keeps none of the
// users' records (their data, their callbacks) reachable.
func recycleSlab(users []userRecord) {
	if cap(users) < minPooledSlab {
		return
	}
	clear(users)
	users = users[:0]
	slabPool.Put(&users)
}
