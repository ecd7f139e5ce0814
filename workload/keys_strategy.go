package workload

import (
	"container/heap"
	"fmt"
	"slices"
	"strconv"
)

// keyStrategy picks each record's partition key. next runs on the generator's goroutine only;
// topKeys and setShards may run on any goroutine (setShards calls are serialised by Source).
type keyStrategy interface {
	next() (key, ehk string)
	// topKeys returns up to n keys, most used first; Observed is relative to this strategy's
	// own records.
	topKeys(n int) []KeyShare
	spec() KeySpec
}

// shardAware strategies place keys by the shard map and follow it when it changes.
type shardAware interface {
	setShards(shards []ShardRange) error
}

// newKeyStrategy builds the strategy for k, drawing from stream generation gen of seed.
func newKeyStrategy(k KeySpec, seed, gen uint64, shards []ShardRange) (keyStrategy, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if k.needsShards() && len(shards) == 0 {
		return nil, fmt.Errorf("%s needs the stream's shard map (Config.Shards or SetShards)", k)
	}
	rng := newPCG(seed, streamKeys, gen)
	switch k.kind() {
	case KeysPool:
		return newPoolKeys(k.Count, rng), nil
	case KeysZipf:
		return newZipfKeys(k.Exponent, k.Count, rng), nil
	case KeysHot:
		rest := KeySpec{Kind: KeysRandom}
		if k.Rest != nil {
			rest = *k.Rest
		}
		r, err := newKeyStrategy(rest, seed, gen, shards)
		if err != nil {
			return nil, err
		}
		return newHotKeys(k.Fraction, r, newPCG(seed, streamHot, gen)), nil
	case KeysSeq:
		return newSeqKeys(k.Count), nil
	case KeysEHK:
		return newEHKKeys(shards)
	case KeysShard:
		return newShardKeys(k.Shard, shards)
	}
	return &randomKeys{rng: rng}, nil
}

// keyTable holds n generated key names in one string, each in a slot of the same width, so a
// pool of a million keys is one allocation, picking a key never allocates, and key i's place is
// computed rather than looked up: a lookup in a table of offsets waited for memory on most
// records, the producer's working set keeping the table out of the caches.
type keyTable struct {
	all    string
	prefix int // the prefix's length
	first  int // the number in key 0's name
	slot   int // bytes per key: the prefix and the most digits
}

// newKeyTable names keys prefix+(first), prefix+(first+1), ...
func newKeyTable(prefix string, first, n int) keyTable {
	t := keyTable{prefix: len(prefix), first: first, slot: len(prefix) + decimalDigits(uint64(first+max(n, 1)-1))}
	buf := make([]byte, 0, n*t.slot)
	for i := range n {
		buf = append(buf, prefix...)
		buf = strconv.AppendInt(buf, int64(first+i), 10)
		for len(buf) < (i+1)*t.slot {
			buf = append(buf, ' ') // the slot's unused end: never part of a key
		}
	}
	t.all = string(buf)
	return t
}

func (t keyTable) key(i int) string {
	start := i * t.slot
	return t.all[start : start+t.prefix+decimalDigits(uint64(t.first+i))]
}

// decimalDigits is how many digits v has in base 10.
func decimalDigits(v uint64) int {
	n := 1
	for p := uint64(10); v >= p && n < 20; p *= 10 {
		n++
	}
	return n
}

// topIndexes returns up to n indexes in [0, len(counts)) with the highest (expected, count),
// highest first, in O(len·log n): dashboards call it every refresh on pools of a million keys.
func topIndexes(n, keys int, count func(i int) uint64, expected func(i int) float64) []int {
	if n <= 0 {
		return nil
	}
	h := &rankHeap{}
	for i := range keys {
		e := rankEntry{i, expected(i), count(i)}
		if h.Len() < n {
			heap.Push(h, e)
		} else if e.above(h.s[0]) {
			h.s[0] = e
			heap.Fix(h, 0)
		}
	}
	out := make([]int, h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).(rankEntry).i
	}
	return out
}

type rankEntry struct {
	i        int
	expected float64
	count    uint64
}

func (a rankEntry) above(b rankEntry) bool {
	if a.expected != b.expected {
		return a.expected > b.expected
	}
	if a.count != b.count {
		return a.count > b.count
	}
	return a.i < b.i
}

// rankHeap is a min-heap: the weakest of the current top n sits at the root.
type rankHeap struct{ s []rankEntry }

func (h *rankHeap) Len() int           { return len(h.s) }
func (h *rankHeap) Less(i, j int) bool { return h.s[j].above(h.s[i]) }
func (h *rankHeap) Swap(i, j int)      { h.s[i], h.s[j] = h.s[j], h.s[i] }
func (h *rankHeap) Push(x any)         { h.s = append(h.s, x.(rankEntry)) }
func (h *rankHeap) Pop() any {
	x := h.s[len(h.s)-1]
	h.s = h.s[:len(h.s)-1]
	return x
}

// topShares returns the KeyShares of the up to n keys with the highest (expected, count),
// highest first.
func topShares(n int, counts *keyCounts, name func(i int) string, expected func(i int) float64) (out []KeyShare) {
	counts.view(func(count func(i int) uint64, total uint64) {
		out = shares(topIndexes(n, counts.len(), count, expected), count, total, name, expected)
	})
	return out
}

// shares turns indexes into KeyShares.
func shares(idx []int, count func(i int) uint64, total uint64, name func(i int) string, expected func(i int) float64) []KeyShare {
	out := make([]KeyShare, len(idx))
	for j, i := range idx {
		c := count(i)
		out[j] = KeyShare{Key: name(i), Expected: expected(i), Count: c}
		if total > 0 {
			out[j].Observed = float64(c) / float64(total)
		}
	}
	return out
}

func sortRank(s []rankEntry) {
	slices.SortFunc(s, func(a, b rankEntry) int {
		switch {
		case a.above(b):
			return -1
		case b.above(a):
			return 1
		}
		return 0
	})
}
