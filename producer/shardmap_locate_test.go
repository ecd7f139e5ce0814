package producer

import (
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// locate routes as a plain scan of the map does: the first shard whose range ends at or above
// the hash key, holding it when the range starts at or below it — for maps whose boundaries
// differ only in their low 64 bits, and maps with gaps (caught mid-reshard).
func TestLocateIsTheFirstShardEndingAtOrAbove(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.Custom(func(t *rapid.T) hashkey.Key {
			return hashkey.Key{Hi: rapid.Uint64Range(0, 3).Draw(t, "hi"), Lo: rapid.Uint64Range(0, 20).Draw(t, "lo")}
		})
		bounds := rapid.SliceOfNDistinct(key, 1, 12, func(k hashkey.Key) hashkey.Key { return k }).Draw(t, "bounds")
		sort.Slice(bounds, func(i, j int) bool { return bounds[i].Cmp(bounds[j]) < 0 })
		m := &shardMap{}
		start := hashkey.Key{}
		for i, end := range bounds {
			if rapid.Bool().Draw(t, "gap") && start.Cmp(end) < 0 {
				start.Lo++ // a gap of one hash key before this shard
				if start.Lo == 0 {
					start.Hi++
				}
			}
			m.shards = append(m.shards, mapShard{id: shardIDFor(i), start: start, end: end})
			start = hashkey.Key{Hi: end.Hi, Lo: end.Lo + 1}
			if start.Lo == 0 {
				start.Hi++
			}
		}
		m.index()
		h := key.Draw(t, "h")
		checkLocate(t, m, h)
	})
}

// The same over the whole hash key space, where the index (firstByTop) decides where the search
// starts: maps of up to 300 shards cut anywhere, with gaps, and keys drawn anywhere or at a
// shard's edges.
func TestLocateOverTheWholeKeySpace(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cuts := rapid.SliceOfNDistinct(rapid.Uint64(), 1, 300, func(v uint64) uint64 { return v }).Draw(t, "cuts")
		sort.Slice(cuts, func(i, j int) bool { return cuts[i] < cuts[j] })
		m := &shardMap{}
		start := hashkey.Key{}
		for i, c := range cuts {
			end := hashkey.Key{Hi: c, Lo: rapid.Uint64().Draw(t, "endLo")}
			if end.Cmp(start) < 0 {
				continue
			}
			m.shards = append(m.shards, mapShard{id: shardIDFor(i), start: start, end: end})
			if end == hashkey.Max {
				break
			}
			start = hashkey.Key{Hi: end.Hi, Lo: end.Lo + 1}
			if start.Lo == 0 {
				start.Hi++
			}
			if rapid.IntRange(0, 9).Draw(t, "gap") == 0 && start.Lo < ^uint64(0) {
				start.Lo++ // a gap of one hash key: the map caught mid-reshard
			}
		}
		if len(m.shards) == 0 {
			return
		}
		m.index()
		edge := m.shards[rapid.IntRange(0, len(m.shards)-1).Draw(t, "edgeShard")]
		h := rapid.SampledFrom([]hashkey.Key{
			{Hi: rapid.Uint64().Draw(t, "hi"), Lo: rapid.Uint64().Draw(t, "lo")},
			edge.start, edge.end,
			{Hi: edge.end.Hi, Lo: edge.end.Lo + 1},
		}).Draw(t, "h")
		checkLocate(t, m, h)
	})
}

// checkLocate fails t unless m.locate(h) is what a plain scan of m's shards says.
func checkLocate(t *rapid.T, m *shardMap, h hashkey.Key) {
	want, wantHolds := len(m.shards)-1, false
	for i, s := range m.shards {
		if s.end.Cmp(h) >= 0 {
			want, wantHolds = i, s.start.Cmp(h) <= 0
			break
		}
	}
	if got, holds := m.locate(h); got != want || holds != wantHolds {
		t.Fatalf("%d shards: locate(%v) = %d, %v; a scan says %d, %v", len(m.shards), h, got, holds, want, wantHolds)
	}
}
