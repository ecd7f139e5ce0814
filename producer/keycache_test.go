package producer

import (
	"fmt"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// The cache answers every key with its MD5 hash key: new or repeated, short or longer than it
// caches, ASCII or not, whatever other keys share its slot.
func TestKeyCacheAnswersTheMD5(t *testing.T) {
	c := newKeyCache()
	rapid.Check(t, func(t *rapid.T) {
		keys := rapid.SliceOfN(rapid.OneOf(rapid.StringN(1, 8, 60), rapid.StringMatching(`k-[0-9]{1,3}`)), 1, 50).Draw(t, "keys")
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, len(keys)-1), 1, 200).Draw(t, "order") {
			if got, want := c.hashOf(keys[i]), hashkey.OfPartitionKey(keys[i]); got != want {
				t.Fatalf("%q: %v, MD5 says %v", keys[i], got, want)
			}
		}
	})
}

// Concurrent Puts share the cache without a lock: every answer is still the MD5 (run with
// -race: the slots are atomics) while goroutines read and rewrite the same slots.
func TestKeyCacheConcurrent(t *testing.T) {
	c := newKeyCache()
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

// Looking a key up allocates nothing, found or not: a stream of unique keys costs no garbage.
func TestKeyCacheAllocatesNothing(t *testing.T) {
	c := newKeyCache()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprint("user-", i)
	}
	i := 0
	if n := testing.AllocsPerRun(5000, func() { c.hashOf(keys[i%len(keys)]); i++ }); n != 0 {
		t.Fatalf("%v allocations per lookup", n)
	}
}
