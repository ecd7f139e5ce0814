package producer

import (
	"fmt"
	"testing"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// The key cache against the MD5 it saves: over a pool of 2,000 ids (which it holds), a pool of
// 10,000 (the bench's keys: too many, the cache steps aside, see keyCache), and keys that
// never repeat (a UUID per record), where the cache must cost next to nothing.
//
//	go test ./producer -run '^$' -bench KeyHash -count 6
func BenchmarkKeyHash(b *testing.B) {
	pool := make([]string, 10_000)
	for i := range pool {
		pool[i] = fmt.Sprint("id-", i*7919)
	}
	pool2k := pool[:2000]
	// 2^18 UUID-shaped keys: far more than the cache holds, so none is seen twice while cached.
	unique := make([]string, 1<<18)
	for i := range unique {
		unique[i] = fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", i*2654435761, i&0xffff, i%4096, (i*31)%4096, i*40503)
	}
	for _, keys := range []struct {
		name string
		keys []string
	}{{"pool2k", pool2k}, {"pool", pool}, {"unique", unique}} {
		b.Run(keys.name+"/md5", func(b *testing.B) {
			i := 0
			for b.Loop() {
				_ = hashkey.OfPartitionKey(keys.keys[i%len(keys.keys)])
				i += 7
			}
		})
		b.Run(keys.name+"/cache", func(b *testing.B) {
			c := newKeyCache()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				_ = c.hashOf(keys.keys[i%len(keys.keys)])
				i += 7
			}
		})
	}
}
