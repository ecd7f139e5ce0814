package advisor

import (
	"fmt"
	"math"
	"strings"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/metrics"
)

// A key that carries this share of a hot shard's records is the cause: name it.
const dominantKeyShare = 0.2

// hotShards: one or a few shards throttle (or sit at a limit) while the others have room. More
// shards do not help a hot key — a partition key always maps to one shard — so the advice is
// about keys: name the shard, its top keys and their shares.
func hotShards(w *window, in *Input, d demand, loads []shardLoad) []metrics.Finding {
	n := len(loads)
	if !w.enough() || n < 2 {
		return nil
	}
	var hot []shardLoad
	idle, othersUtil := 0, 0.0
	for _, l := range loads {
		if l.throttling() || l.util >= 0.9 {
			hot = append(hot, l)
		} else {
			othersUtil += l.util
		}
		if l.util < idleUtil {
			idle++
		}
	}
	if len(hot) == 0 || len(hot) > n/2 || idle < n/2 {
		return nil
	}
	othersUtil /= float64(n - len(hot))
	var out []metrics.Finding
	for _, h := range hot {
		if h.share < 1.5/float64(n) { // not more than its part of the traffic: not a hotspot
			continue
		}
		out = append(out, hotShardFinding(in, d, h, n, othersUtil))
	}
	return out
}

func hotShardFinding(in *Input, d demand, h shardLoad, n int, othersUtil float64) metrics.Finding {
	state := fmt.Sprintf("at %s of its %s limit", pct(h.util), bindingLimit(h))
	if h.throttling() {
		state += fmt.Sprintf(", refusing %s of what is sent to it", pct(h.throttledFraction))
	}
	if h.limiter >= 1 {
		// The producer's limiter keeps the shard from being throttled: its records queue instead.
		state += fmt.Sprintf(", with %s records queued for it in the producer's limiter", count(h.limiter))
	}
	if h.refused >= 1 {
		state += fmt.Sprintf(" and %s records/s refused because it already holds all it can deliver within RecordTtl", count(h.refused))
	}
	f := metrics.Finding{
		Rule: "hot-shard", Severity: Warning, ShardID: h.id,
		Evidence: map[string]any{
			"shard_id": h.id, "share_of_records": round3(h.share), "utilization": round3(h.util),
			"offered_records_per_sec": round3(h.offeredRecords), "offered_mib_per_sec": round3(h.offBytes / (1 << 20)),
			"throttled_fraction": round3(h.throttledFraction), "other_shards_mean_utilization": round3(othersUtil),
			"limiter_queued_records": round3(h.limiter), "backlog_refused_per_sec": round3(h.refused),
		},
	}
	if h.throttling() {
		f.Severity = Critical
	}
	var top []metrics.KeyCount
	if in.HotKeys != nil {
		top = in.HotKeys.Top(h.id, 3, false)
		keys := make([]map[string]any, len(top))
		for i, k := range top {
			keys[i] = map[string]any{"key": k.Key, "share": round3(k.RecordShare)}
		}
		f.Evidence["top_keys"] = keys
	}
	others := fmt.Sprintf("the other %s average %s", plural(n-1, "shard"), pct(othersUtil))
	if dom, ok := dominant(in, h.id); ok && dom.RecordShare >= dominantKeyShare {
		keyRecords, keyBytes := dom.RecordShare*h.offeredRecords, dom.ByteShare*h.offBytes
		spread := spreadNeeded(keyRecords/d.aggRatio, keyBytes*d.overhead)
		f.Title, f.Key = "Hot partition key", dom.Key
		f.Summary = fmt.Sprintf("key %q sends %s of %s's records (%s records/s, %s): the shard is %s, while %s",
			dom.Key, pct(dom.RecordShare), h.id, count(keyRecords), mib(keyBytes), state, others)
		f.Advice = hotKeyAdvice(dom.Key, spread)
		f.Evidence["key"], f.Evidence["key_share"], f.Evidence["suffixes_needed"] = dom.Key, round3(dom.RecordShare), spread
		return f
	}
	f.Title = "Hot shard"
	f.Summary = fmt.Sprintf("%s takes %s of the records (%s records/s, %s) and is %s, while %s; no single key dominates it (top: %s)",
		h.id, pct(h.share), count(h.offeredRecords), mib(h.offBytes), state, others, topKeys(top))
	var mid string
	f.Advice, mid = hotRangeAdvice(h.id, h.start, h.end)
	if mid != "" {
		f.Evidence["split_at_hash_key"] = mid
	}
	return f
}

// spreadNeeded is how many shards a key's Kinesis records and bytes per second need at 80% of
// a shard's limits (at least 2: spreading over one shard is not spreading).
func spreadNeeded(kinesisRecords, kinesisBytes float64) int {
	return int(math.Max(2, math.Ceil(math.Max(kinesisBytes/(0.8*shardBytesPerSec), kinesisRecords/(0.8*shardRecordsPerSec)))))
}

// hotKeyAdvice says how to cool a hot partition key: spread it over spread shards.
func hotKeyAdvice(key string, spread int) string {
	return fmt.Sprintf("A partition key always lands on one shard, so more shards will not cool it. Spread %q over at least %d shards: append a suffix (%s#0 … %s#%d; readers that need the key's order merge by timestamp), or set ExplicitHashKey to spread its records across the stream's hash range; or key by something with more distinct values.",
		key, spread, key, key, spread-1)
}

// hotRangeAdvice says how to cool a shard no single key makes hot, and where to split it
// ("" when its range is unknown).
func hotRangeAdvice(id, start, end string) (advice, mid string) {
	advice = "Its hash range draws more traffic than the others: use more distinct partition keys (or ExplicitHashKey) so records spread evenly"
	if mid = midpoint(start, end); mid != "" {
		advice += fmt.Sprintf(", or split it: SplitShard %s with NewStartingHashKey %s (the middle of its range)", id, mid)
	}
	return advice + ".", mid
}

func dominant(in *Input, shardID string) (metrics.KeyCount, bool) {
	if in.HotKeys == nil {
		return metrics.KeyCount{}, false
	}
	return in.HotKeys.Dominant(shardID)
}

func bindingLimit(l shardLoad) string {
	if l.recordsUtil > l.bytesUtil {
		return "records"
	}
	return "bytes"
}

func topKeys(top []metrics.KeyCount) string {
	if len(top) == 0 {
		return "keys not tracked"
	}
	parts := make([]string, len(top))
	for i, k := range top {
		parts[i] = fmt.Sprintf("%q %s", k.Key, pct(k.RecordShare))
	}
	return strings.Join(parts, ", ")
}

// midpoint is the hash key halfway through a shard's range (a SplitShard NewStartingHashKey),
// "" if the range is unknown.
func midpoint(start, end string) string {
	a, ok1 := hashkey.Parse(start)
	b, ok2 := hashkey.Parse(end)
	if !ok1 || !ok2 || b.Cmp(a) <= 0 {
		return ""
	}
	return hashkey.Range{Start: a, End: b}.Mid().String()
}
