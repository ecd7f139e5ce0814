package producer

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// countingMD5 is hashkey.OfPartitionKey counting its calls: the MD5s a cache did not save.
type countingMD5 struct{ n atomic.Int64 }

func (m *countingMD5) hash(pk string) hashkey.Key {
	m.n.Add(1)
	return hashkey.OfPartitionKey(pk)
}

// The cache answers every key with its MD5 hash key: new or repeated, short or longer than it
// caches, ASCII or not, whatever other keys share its slots (a small table: constant eviction).
func TestKeyCacheAnswersTheMD5(t *testing.T) {
	for _, c := range []*keyCache{newKeyCache(), newKeyCacheOf(8, hashkey.OfPartitionKey)} {
		rapid.Check(t, func(t *rapid.T) {
			keys := rapid.SliceOfN(rapid.OneOf(rapid.StringN(1, 8, 60), rapid.StringMatching(`k-[0-9]{1,3}`),
				rapid.StringMatching(`[a-z]{45,49}`)), 1, 50).Draw(t, "keys")
			for _, i := range rapid.SliceOfN(rapid.IntRange(0, len(keys)-1), 1, 200).Draw(t, "order") {
				if got, want := c.hashOf(keys[i]), hashkey.OfPartitionKey(keys[i]); got != want {
					t.Fatalf("%q: %v, MD5 says %v", keys[i], got, want)
				}
			}
		})
	}
}

// A key that shares its first bytes, its length or its slots with a cached one is never
// answered from that entry.
func TestKeyCacheTellsNearKeysApart(t *testing.T) {
	c := newKeyCacheOf(2, hashkey.OfPartitionKey) // two slots: every key shares them
	keys := []string{"a", "aa", "a\x00", "ab", strings.Repeat("x", keyCacheMaxLen), strings.Repeat("x", keyCacheMaxLen-1) + "y", strings.Repeat("x", keyCacheMaxLen+1)}
	for range 3 {
		for _, k := range keys {
			if got, want := c.hashOf(k), hashkey.OfPartitionKey(k); got != want {
				t.Fatalf("%q: %v, MD5 says %v", k, got, want)
			}
		}
	}
}

// Concurrent Puts share the cache without a lock: every answer is still the MD5 (run with
// -race) while goroutines read and replace the entries of the same few slots.
func TestKeyCacheConcurrent(t *testing.T) {
	c := newKeyCacheOf(16, hashkey.OfPartitionKey)
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = fmt.Sprintf("device-%d-%0*d", i, i%30, 0)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20_000 {
				k := keys[(i*7+g)%len(keys)]
				if got := c.hashOf(k); got != hashkey.OfPartitionKey(k) {
					t.Errorf("%q: wrong hash key %v", k, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// A pool of 3,000 ids fits: once each id has been seen, almost no lookup computes an MD5 (a
// direct-mapped table of twice the slots missed a tenth of them).
func TestKeyCacheHoldsAPoolOfIDs(t *testing.T) {
	md5 := &countingMD5{}
	c := newKeyCacheOf(keyCacheSlots, md5.hash)
	keys := make([]string, 3_000)
	for i := range keys {
		keys[i] = fmt.Sprint("id-", i*7919)
	}
	for range 5 { // the first pass misses: the sample decides to wait until its keys hit
		for _, k := range keys {
			c.hashOf(k)
		}
	}
	md5.n.Store(0)
	for i := range 100_000 {
		c.hashOf(keys[(i*7)%len(keys)])
	}
	if n := md5.n.Load(); n > 1000 {
		t.Fatalf("%d MD5s in 100,000 lookups of 3,000 cached ids, want at most 1%%", n)
	}
}

// Looking a cached key up allocates nothing; keys that never repeat (a UUID per record) cost
// an entry only for the sample that watches the hit rate, not one per record — and once the
// keys repeat again, the cache takes them back.
func TestKeyCacheAllocations(t *testing.T) {
	md5 := &countingMD5{}
	c := newKeyCacheOf(keyCacheSlots, md5.hash)
	pool := make([]string, 1000)
	for i := range pool {
		pool[i] = fmt.Sprint("user-", i)
	}
	i := 0
	if n := testing.AllocsPerRun(5000, func() { c.hashOf(pool[i%len(pool)]); i++ }); n != 0 {
		t.Fatalf("%v allocations per lookup of a cached key", n)
	}

	unique := func(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i*40503) }
	uniq := make([]string, 200_000)
	for i := range uniq {
		uniq[i] = unique(i)
	}
	for _, k := range uniq[:100_000] { // long enough for the sample to see the misses
		c.hashOf(k)
	}
	j := 100_000
	if n := testing.AllocsPerRun(50_000, func() { c.hashOf(uniq[j]); j++ }); n > 1.0/32 {
		t.Fatalf("%v allocations per lookup of a key never seen, want at most 1/32", n)
	}

	for range 200 { // the pool again: its sampled keys find their entries and bring the cache back
		for _, k := range pool {
			c.hashOf(k)
		}
	}
	md5.n.Store(0)
	for _, k := range pool {
		c.hashOf(k)
	}
	if n := md5.n.Load(); n > 10 {
		t.Fatalf("%d MD5s for 1,000 repeated keys after a run of unique keys: the cache did not come back", n)
	}
}

// Too many keys for the cache (a uniform pool of 30,000): it would miss often and each lookup
// would miss the CPU's caches too, so it steps aside — lookups hash directly and allocate
// nothing beyond the sample's entries.
func TestKeyCacheStepsAsideForTooManyKeys(t *testing.T) {
	md5 := &countingMD5{}
	c := newKeyCacheOf(keyCacheSlots, md5.hash)
	keys := make([]string, 30_000)
	for i := range keys {
		keys[i] = fmt.Sprint("id-", i)
	}
	for i := range 200_000 {
		c.hashOf(keys[(i*7)%len(keys)])
	}
	if c.useAll.Load() {
		t.Fatal("the cache still serves every key of a 30,000-key pool")
	}
	i := 0
	if n := testing.AllocsPerRun(30_000, func() { c.hashOf(keys[(i*7)%len(keys)]); i++ }); n > 1.0/32 {
		t.Fatalf("%v allocations per lookup, want at most 1/32", n)
	}
}
