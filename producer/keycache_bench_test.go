package producer

import (
	"fmt"
	"testing"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// The key cache against the MD5 it saves, over a pool of 10,000 ids (the bench's keys).
//
//	go test ./producer -run '^$' -bench KeyHash -count 6
func BenchmarkKeyHash(b *testing.B) {
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = fmt.Sprint("id-", i*7919)
	}
	b.Run("md5", func(b *testing.B) {
		i := 0
		for b.Loop() {
			_ = hashkey.OfPartitionKey(keys[i%len(keys)])
			i += 7
		}
	})
	b.Run("cache", func(b *testing.B) {
		c := newKeyCache()
		i := 0
		for b.Loop() {
			_ = c.hashOf(keys[i%len(keys)])
			i += 7
		}
	})
}
