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
		h := key.Draw(t, "h")
		want, wantHolds := len(m.shards)-1, false
		for i, s := range m.shards {
			if s.end.Cmp(h) >= 0 {
				want, wantHolds = i, s.start.Cmp(h) <= 0
				break
			}
		}
		if got, holds := m.locate(h); got != want || holds != wantHolds {
			t.Fatalf("locate(%v) = %d, %v; a scan says %d, %v", h, got, holds, want, wantHolds)
		}
	})
}
