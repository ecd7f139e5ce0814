package app

import "time"

// shardHistoryShards is how many shards keep the whole window of per-shard history. Shards hold
// most of the sampler's memory (100 to 150 KB each for 10 minutes at 250 ms, metrics.Config):
// 10,000 shards at the full window took 1.5 GB of RSS in a headless run. Past this many, each
// shard keeps a share of the window (512 shards' worth in all, ~75 MB), but never less than
// minShardWindow: the advisor looks back 5 s, a sparkline a minute. At 10,000 shards that floor
// is what counts: ~145 MB of rings (heap profile of a 10,000-shard run; the per-shard hot-key
// trackers take another ~80 MB), 680 MB of RSS in all.
const (
	shardHistoryShards = 512
	minShardWindow     = time.Minute
)

// shardWindow is the per-shard history (metrics.Config.ShardWindow) for a stream of the given
// shards, with the stream's window (0: the sampler's default, 10 minutes).
func shardWindow(window time.Duration, shards int) time.Duration {
	if window <= 0 {
		window = 10 * time.Minute
	}
	if shards <= shardHistoryShards {
		return window
	}
	return min(window, max(minShardWindow, window*shardHistoryShards/time.Duration(shards)))
}
