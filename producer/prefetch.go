package producer

import "unsafe"

// Put copies each record into its shard's open slab (see slab.go). The slab's next slot is
// usually cold: slabs come back to the stock when their aggregate is delivered, often a second
// and many megabytes of other records later. Writing a cold slot makes the CPU fetch its lines
// first, and the shard's unlock right after (an atomic instruction) waits for those writes: in the
// engine's profile at 100 bytes the unlock alone took 11 % of the time. So Put, once it has
// written its record, asks for the next slot's lines ahead of the next record for that shard, which
// on a busy stream comes several Puts later: a prefetch, unlike a load, makes nothing wait.

// prefetchNextSlot prefetches the slot after the last of slab, if the slab has one.
func prefetchNextSlot(slab []userRecord) {
	if n := len(slab); n < cap(slab) {
		prefetchRecord(uintptr(unsafe.Pointer(unsafe.SliceData(slab))) + uintptr(n)*unsafe.Sizeof(userRecord{}))
	}
}
