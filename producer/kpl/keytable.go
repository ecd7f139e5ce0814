package kpl

import "hash/maphash"

// keyTable is one of an aggregate's key tables as a Sizer keeps it: each distinct key's index,
// in the order the keys came. It is an open-addressing hash table of a power-of-two size, at
// most half full, that takes the key's hash from its caller: a producer routes every record by
// the MD5 of its partition key and passes that along (PlaceHashed), so a key is hashed once,
// where a Go map hashed it again for the lookup and once more for the insertion of a new key
// (7 % of a producer's instructions per 100-byte record).
//
// A slot is 8 bytes, part of the key's hash and the key's index, and the keys lie apart in
// index order: a lookup probes slots eight to a cache line and reads a key only when its hash
// matches. (Slots holding the key itself were four times larger, and in a whole producer
// process, where record data streams through the caches, a lookup cost as much as the map's.)
type keyTable struct {
	slots []keySlot
	keys  []string // by index
}

type keySlot struct {
	tag uint32 // the hash's low 32 bits, which also place the slot (tables stay far smaller)
	idx uint32 // the key's index + 1; 0 for an empty slot
}

var keySeed = maphash.MakeSeed()

// hashKey is the hash of key when its caller has none.
func hashKey(key string) uint64 { return maphash.String(keySeed, key) }

// find returns key's index and true, or the index a new key gets (the table's length) and false.
func (t *keyTable) find(key string, hash uint64) (uint32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	mask, tag := uint32(len(t.slots)-1), uint32(hash)
	for i := tag & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.idx == 0 {
			return uint32(len(t.keys)), false
		}
		if s.tag == tag && t.keys[s.idx-1] == key {
			return s.idx - 1, true
		}
	}
}

// insert adds key, which find did not find, at the next index.
func (t *keyTable) insert(key string, hash uint64) {
	if 2*(len(t.keys)+1) > len(t.slots) {
		t.grow()
	}
	t.keys = append(t.keys, key)
	t.put(keySlot{tag: uint32(hash), idx: uint32(len(t.keys))})
}

func (t *keyTable) put(k keySlot) {
	mask := uint32(len(t.slots) - 1)
	i := k.tag & mask
	for t.slots[i].idx != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = k
}

func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]keySlot, max(16, 2*len(old)))
	for _, k := range old {
		if k.idx != 0 {
			t.put(k)
		}
	}
}

// reset empties the table, keeping its size for the next aggregate (which is likely to have as
// many keys) and none of the keys reachable.
func (t *keyTable) reset() {
	if len(t.keys) > 0 {
		clear(t.slots)
		clear(t.keys)
		t.keys = t.keys[:0]
	}
}
