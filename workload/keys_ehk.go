package workload

import (
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// ehkKeys places records with explicit hash keys, pointsPerShard of them inside each target
// shard's range, and visits the slots in turn (shard 0 point 0, shard 1 point 0, ..., shard 0
// point 1, ...): every shard gets exactly 1/N of the records, whatever the ranges' widths.
// The partition key is the hash key's decimal text, so keys and shards read the same on the
// dashboard. The table is swapped whole when the shard map changes.
type ehkKeys struct {
	n     uint64 // records so far; generator goroutine only
	table atomic.Pointer[ehkTable]
	// target is set for the one-shard strategy: the shard holding this hash key is the one
	// loaded, so after a split or merge the load follows the shard's start of range.
	target *hashkey.Key
	name   string // shard strategy: the spec's Shard text
}

type ehkTable struct {
	slots  []ehkSlot // shard-major interleaved: slot j belongs to shard j % shards
	shards int
	counts *keyCounts
}

type ehkSlot struct {
	key   string // = the explicit hash key's text
	shard string
}

func newEHKKeys(shards []ShardRange) (*ehkKeys, error) {
	k := &ehkKeys{}
	return k, k.setShards(shards)
}

// newShardKeys targets one shard: target is its index in hash-key order, or its ID.
func newShardKeys(target string, shards []ShardRange) (*ehkKeys, error) {
	sorted, err := normalizeShards(shards)
	if err != nil {
		return nil, fmt.Errorf("shard:%s: %w", target, err)
	}
	var pick *ShardRange
	if i, err := strconv.Atoi(target); err == nil {
		if i < 0 || i >= len(sorted) {
			return nil, fmt.Errorf("shard:%s: the stream has %d open shards (0..%d)", target, len(sorted), len(sorted)-1)
		}
		pick = &sorted[i]
	} else {
		for i := range sorted {
			if sorted[i].ID == target {
				pick = &sorted[i]
			}
		}
		if pick == nil {
			return nil, fmt.Errorf("shard:%s: no open shard with that ID", target)
		}
	}
	start := pick.Start
	k := &ehkKeys{target: &start, name: target}
	return k, k.setShards(sorted)
}

func (k *ehkKeys) setShards(shards []ShardRange) error {
	sorted, err := normalizeShards(shards)
	if err != nil {
		return fmt.Errorf("%s: %w", k.spec(), err)
	}
	if k.target != nil {
		var found []ShardRange
		for _, r := range sorted {
			if r.Contains(*k.target) {
				found = append(found, r)
			}
		}
		if len(found) == 0 {
			return fmt.Errorf("%s: no open shard holds hash key %s any more", k.spec(), k.target)
		}
		sorted = found
	}
	t := &ehkTable{shards: len(sorted), slots: make([]ehkSlot, len(sorted)*pointsPerShard)}
	for s, r := range sorted {
		points := r.keys().Points(pointsPerShard)
		for j := range pointsPerShard {
			// A range narrower than pointsPerShard keys repeats its points: the shard still
			// gets its full share of slots.
			t.slots[j*len(sorted)+s] = ehkSlot{key: points[j%len(points)].String(), shard: r.ID}
		}
	}
	t.counts = newKeyCounts(len(t.slots))
	k.table.Store(t)
	return nil
}

func (k *ehkKeys) next() (string, string) {
	t := k.table.Load()
	i := int(k.n % uint64(len(t.slots)))
	k.n++
	t.counts.add(i)
	return t.slots[i].key, t.slots[i].key
}

// topKeys merges slots that share a key (narrow ranges) so each key appears once.
func (k *ehkKeys) topKeys(n int) []KeyShare {
	if n <= 0 {
		return nil
	}
	t := k.table.Load()
	exp := 1 / float64(len(t.slots))
	byKey := map[string]int{}
	var out []KeyShare
	var total uint64
	t.counts.view(func(count func(i int) uint64, all uint64) {
		total = all
		for i, sl := range t.slots {
			c := count(i)
			if j, ok := byKey[sl.key]; ok {
				out[j].Expected += exp
				out[j].Count += c
				continue
			}
			byKey[sl.key] = len(out)
			out = append(out, KeyShare{Key: sl.key, ExplicitHashKey: sl.key, Shard: sl.shard, Expected: exp, Count: c})
		}
	})
	idx := make([]rankEntry, len(out))
	for i, s := range out {
		idx[i] = rankEntry{i, s.Expected, s.Count}
	}
	sortRank(idx)
	res := make([]KeyShare, 0, min(n, len(idx)))
	for _, e := range idx[:min(n, len(idx))] {
		s := out[e.i]
		if total > 0 {
			s.Observed = float64(s.Count) / float64(total)
		}
		res = append(res, s)
	}
	return res
}

func (k *ehkKeys) spec() KeySpec {
	if k.target != nil {
		return KeySpec{Kind: KeysShard, Shard: k.name}
	}
	return KeySpec{Kind: KeysEHK}
}
