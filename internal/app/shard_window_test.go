package app

import (
	"testing"
	"time"
)

// Up to 512 shards keep the whole window; past that, the per-shard history shrinks so memory
// stays near 512 shards' worth, down to a minute.
func TestShardWindowBoundsPerShardHistory(t *testing.T) {
	for _, c := range []struct {
		window time.Duration
		shards int
		want   time.Duration
	}{
		{0, 4, 10 * time.Minute}, {0, 512, 10 * time.Minute}, {time.Minute, 10_000, time.Minute},
		{0, 1024, 5 * time.Minute}, {0, 10_000, time.Minute}, {time.Hour, 10_000, 3*time.Minute + 4320*time.Millisecond},
	} {
		if got := shardWindow(c.window, c.shards); got != c.want {
			t.Errorf("shardWindow(%v, %d) = %v, want %v", c.window, c.shards, got, c.want)
		}
	}
}
