package workload

import (
	"sync"
	"sync/atomic"
)

// keyCountBatch is how many picks the generator notes before it adds them to the per-key counts
// in one go. Adding each pick at once was an atomic add on a random cache line of a table that
// the producer's working set keeps out of the caches: the add waited for memory every record
// (about 120 ns; more than drawing the key and its payload together). Added in a batch, the
// misses overlap.
const keyCountBatch = 256

// keyCounts counts records per key index for the observed shares. Only the generator's
// goroutine adds; view may run on any goroutine at the same time and sees every pick added
// before it.
type keyCounts struct {
	// pending holds the picks not yet in n, pending[:npending] of them. Only the generator
	// writes it, each entry before publishing it by storing npending; a reader holding mu
	// reads the published ones, which the generator cannot overwrite until it holds mu.
	pending  []uint32
	npending atomic.Uint32

	mu  sync.Mutex
	n   []uint64 // records per key, pending ones aside; guarded by mu
	sum uint64   // the sum of n; guarded by mu
}

func newKeyCounts(keys int) *keyCounts {
	return &keyCounts{pending: make([]uint32, keyCountBatch), n: make([]uint64, keys)}
}

// len is the number of keys (0 for nil: a strategy whose keys never repeat counts none).
func (c *keyCounts) len() int {
	if c == nil {
		return 0
	}
	return len(c.n)
}

// add counts one record with key i. Generator goroutine only.
func (c *keyCounts) add(i int) {
	k := c.npending.Load() // only this goroutine stores it
	c.pending[k] = uint32(i)
	if int(k)+1 < len(c.pending) {
		c.npending.Store(k + 1)
		return
	}
	c.mu.Lock()
	for _, j := range c.pending {
		c.n[j]++
	}
	c.sum += uint64(len(c.pending))
	c.npending.Store(0)
	c.mu.Unlock()
}

// view calls f with every key's count and their total as of now. The generator waits for f
// only if it must add a batch meanwhile.
func (c *keyCounts) view(f func(count func(i int) uint64, total uint64)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	np := c.npending.Load()
	var extra map[int]uint64
	if np > 0 {
		extra = make(map[int]uint64, np)
		for _, j := range c.pending[:np] {
			extra[int(j)]++
		}
	}
	f(func(i int) uint64 { return c.n[i] + extra[i] }, c.sum+uint64(np))
}
