package producer

import (
	"hash/maphash"
	"math/rand/v2"
	"sync/atomic"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// keyCache remembers the hash keys (MD5s) of recent partition keys, for workloads whose keys
// repeat among a few thousand — a set of devices or tenants, or a few hot keys: an MD5 is a
// tenth or more of a record's cost in the engine. Safe for concurrent Puts without a lock.
//
// The table is keyCacheSlots pointers to immutable entries, each holding a copy of its key's
// bytes and its hash key; a key may sit in one of two slots (two choices from one maphash), so
// a set of keys up to about half the slots fits with almost no misses. A key is only ever
// answered from an entry holding exactly its bytes, so routing is the MD5's whatever the cache
// holds; entries are never changed once published, so a reader sees a whole entry or another.
//
// It is small on purpose (64 KiB of slots, at most 512 KiB of entries): a lookup is two
// dependent loads, slot then entry, and when they miss the CPU's caches they cost more than
// the MD5 (measured in the whole bench process, where record data streams through the caches:
// a 10,000-key pool in a larger cache cost 0.79 s of CPU where plain MD5s cost 0.26 s). So the
// cache is used only while nearly every lookup hits, which holds when the repeating keys are
// few enough to stay in the CPU's caches too.
//
// Whether it hits is measured on a miniature of itself (SHARDS-style sampling): a sample of
// keys, 1 in keySampleEvery by hash, always goes through a table keySampleEvery times smaller,
// which holds its sample of the keys as the main table would hold them all, so its hit rate is
// the one the main table would give. While that rate is under keyUseAllPercent, keys outside
// the sample skip the cache and cost one maphash more than the MD5 alone — and allocate
// nothing: an entry is one allocation, so a workload of unique keys (a UUID per record) or of
// too many keys allocates entries for the sample's misses only.
type keyCache struct {
	seed maphash.Seed
	main table                    // for keys outside the sample
	mini table                    // the miniature, for the sample's keys
	md5  func(string) hashkey.Key // hashkey.OfPartitionKey; tests count its calls

	// The sample's hits and misses since the last decision, and the decision: whether keys
	// outside the sample use the cache.
	sampleHits, sampleMisses atomic.Uint32
	useAll                   atomic.Bool
}

// table is a two-choice table of entries: a key with maphash h may sit in slot h&mask or
// slot (h>>32)&mask.
type table struct {
	slots []atomic.Pointer[keyEntry]
	mask  uint64 // len(slots)-1
}

func (t *table) choices(h uint64) (a, b *atomic.Pointer[keyEntry]) {
	return &t.slots[h&t.mask], &t.slots[(h>>32)&t.mask]
}

const (
	keyCacheSlots  = 1 << 13
	keyCacheMaxLen = 47 // a key's bytes fill the 64-byte entry: 16 of hash, 1 of length; a UUID's 36 fit

	// keySampleEvery keys (by hash) form the sample (a power of two: the miniature's size is
	// the table's divided by it); every keySampleWindow sampled lookups the cache decides again
	// whether the others use it: when at least keyUseAllPercent of the sample's lookups hit.
	keySampleEvery   = 64
	keySampleWindow  = 64
	keyUseAllPercent = 90
)

// keyEntry is one cached key: 64 bytes, no pointers (the collector never scans it).
type keyEntry struct {
	hash hashkey.Key
	n    uint8
	key  [keyCacheMaxLen]byte
}

func (e *keyEntry) holds(pk string) bool {
	return e != nil && int(e.n) == len(pk) && string(e.key[:e.n]) == pk
}

func newKeyCache() *keyCache { return newKeyCacheOf(keyCacheSlots, hashkey.OfPartitionKey) }

// newKeyCacheOf is a cache of slots slots (a power of two) computing misses with md5
// (hashkey.OfPartitionKey, or a test's counting wrapper of it).
func newKeyCacheOf(slots int, md5 func(string) hashkey.Key) *keyCache {
	mini := max(slots/keySampleEvery, 2)
	all := make([]atomic.Pointer[keyEntry], slots+mini)
	c := &keyCache{seed: maphash.MakeSeed(), main: table{all[:slots], uint64(slots - 1)}, mini: table{all[slots:], uint64(mini - 1)}, md5: md5}
	c.useAll.Store(true)
	return c
}

// hashOf is hashkey.OfPartitionKey(pk), from the cache when pk is in it. A nil cache (a
// Producer built by hand in a test) hashes every key.
func (c *keyCache) hashOf(pk string) hashkey.Key {
	if c == nil || len(pk) > keyCacheMaxLen {
		return hashkey.OfPartitionKey(pk)
	}
	h := maphash.String(c.seed, pk)
	sampled := h>>58 == 0 // top 6 bits: 1 in keySampleEvery
	t := &c.main
	switch {
	case sampled:
		t = &c.mini
	case !c.useAll.Load():
		return c.md5(pk)
	}
	a, b := t.choices(h)
	if e := a.Load(); e.holds(pk) {
		c.sample(sampled, true)
		return e.hash
	}
	if e := b.Load(); e.holds(pk) {
		c.sample(sampled, true)
		return e.hash
	}
	c.sample(sampled, false)
	k := c.md5(pk)
	e := &keyEntry{hash: k, n: uint8(len(pk))}
	copy(e.key[:], pk)
	c.insert(t, a, b, e)
	return k
}

// insert publishes e in an empty one of its two slots a and b; when both are taken, it first
// tries to move one occupant to its own other slot (one cuckoo step: without it a set of keys
// filling half the table took tens of passes to settle), else replaces one at random. Entries
// are immutable and moves copy a pointer before replacing it, so a reader finds a key in one
// slot or the other, or misses and hashes it: never a wrong answer.
func (c *keyCache) insert(t *table, a, b *atomic.Pointer[keyEntry], e *keyEntry) {
	for _, s := range [2]*atomic.Pointer[keyEntry]{a, b} {
		if s.Load() == nil && s.CompareAndSwap(nil, e) {
			return
		}
	}
	for _, s := range [2]*atomic.Pointer[keyEntry]{a, b} {
		old := s.Load()
		if old == nil {
			continue
		}
		oa, ob := t.choices(maphash.Bytes(c.seed, old.key[:old.n]))
		alt := oa
		if alt == s {
			alt = ob
		}
		if alt != s && alt.Load() == nil && alt.CompareAndSwap(nil, old) {
			s.CompareAndSwap(old, e) // lost to another writer: that writer's entry stays
			return
		}
	}
	// The victim is a coin toss: two keys sharing a slot, one of them always evicting "a" and
	// the other "b" by a shared counter's parity, evicted each other on every pass for ever.
	if rand.Uint32()&1 == 0 {
		a.Store(e)
	} else {
		b.Store(e)
	}
}

// sample counts a sampled lookup and, every keySampleWindow of them, decides whether keys
// outside the sample use the cache. Concurrent decisions may lose a count: it is an estimate.
func (c *keyCache) sample(sampled, hit bool) {
	if !sampled {
		return
	}
	var hits, misses uint32
	if hit {
		hits, misses = c.sampleHits.Add(1), c.sampleMisses.Load()
	} else {
		hits, misses = c.sampleHits.Load(), c.sampleMisses.Add(1)
	}
	if hits+misses < keySampleWindow {
		return
	}
	c.useAll.Store(hits*100 >= (hits+misses)*keyUseAllPercent)
	c.sampleHits.Store(0)
	c.sampleMisses.Store(0)
}
