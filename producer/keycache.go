package producer

import (
	"encoding/binary"
	"hash/maphash"
	"sync/atomic"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// keyCache remembers the hash keys (MD5s) of recent partition keys, for workloads whose keys
// repeat — a pool of user or device ids, the usual case: an MD5 was about a tenth of a record's
// cost in the engine. It is bounded (keyCacheSlots slots of one cache line, 1 MiB), allocates
// nothing, and is safe for concurrent Puts without a lock: each slot is a seqlock over atomic
// words, so a reader that races a writer sees a changed version and computes the MD5 itself.
// A key is only ever answered from a slot holding exactly its bytes, so routing is the MD5's
// whatever the cache holds. Keys longer than keyCacheMaxLen are not cached.
type keyCache struct {
	seed  maphash.Seed
	slots []keySlot
}

const (
	keyCacheSlots  = 1 << 14
	keyCacheWords  = 5
	keyCacheMaxLen = keyCacheWords * 8 // 40 bytes: a UUID's 36 fit
)

type keySlot struct {
	// version is odd while a writer fills the slot; the key's length is in its upper 32 bits
	// (a length of 0 means empty: partition keys have at least one character).
	version atomic.Uint64
	key     [keyCacheWords]atomic.Uint64 // the key's bytes, zero-padded
	hash    [2]atomic.Uint64
}

func newKeyCache() *keyCache {
	return &keyCache{seed: maphash.MakeSeed(), slots: make([]keySlot, keyCacheSlots)}
}

// hashOf is hashkey.OfPartitionKey(pk), from the cache when pk is in it. A nil cache (a
// Producer built by hand in a test) hashes every key.
func (c *keyCache) hashOf(pk string) hashkey.Key {
	if c == nil || len(pk) > keyCacheMaxLen {
		return hashkey.OfPartitionKey(pk)
	}
	var words [keyCacheWords]uint64
	keyWords(&words, pk)
	s := &c.slots[maphash.String(c.seed, pk)&(keyCacheSlots-1)]
	v := s.version.Load()
	if v&1 == 0 && v>>32 == uint64(len(pk)) {
		same := true
		for i := range words {
			same = same && s.key[i].Load() == words[i]
		}
		h := hashkey.Key{Hi: s.hash[0].Load(), Lo: s.hash[1].Load()}
		if same && s.version.Load() == v {
			return h
		}
	}
	h := hashkey.OfPartitionKey(pk)
	c.store(s, v, &words, len(pk), h)
	return h
}

// store puts pk's hash key in slot s, last seen at version v, unless another writer holds it.
func (c *keyCache) store(s *keySlot, v uint64, words *[keyCacheWords]uint64, n int, h hashkey.Key) {
	if v&1 != 0 || !s.version.CompareAndSwap(v, v|1) {
		return
	}
	for i := range words {
		s.key[i].Store(words[i])
	}
	s.hash[0].Store(h.Hi)
	s.hash[1].Store(h.Lo)
	seq := (uint32(v) | 1) + 1 // even again, and never the version a reader saw before
	s.version.Store(uint64(n)<<32 | uint64(seq))
}

// keyWords packs pk's bytes into words, zero-padded.
func keyWords(words *[keyCacheWords]uint64, pk string) {
	var buf [keyCacheMaxLen]byte
	copy(buf[:], pk)
	for i := range words {
		words[i] = binary.LittleEndian.Uint64(buf[i*8:])
	}
}
