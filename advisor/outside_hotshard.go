package advisor

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// outsideHotShards: a shard carries far more than its share of the stream's writes and is at
// its limit or refused writes, while most shards have room. From outside the evidence is
// shard-level CloudWatch (its own throttles) or the sample's one-second peaks while the stream
// throttles; the key is named from the sample's top keys of that shard.
func outsideHotShards(o *outside) []metrics.Finding {
	total, totalBytes, known := o.streamTotals()
	if o.n < 2 || len(o.shards) == 0 || !known || !(total > 0 || totalBytes > 0) {
		return nil
	}
	type hotShard struct {
		s                outsideShard
		share, byteShare float64
		throttled        bool // its own metrics say, or the stream throttles while it is over a limit
	}
	var hot []hotShard
	for _, s := range o.shards {
		h := hotShard{s: s}
		// Shares from sums of another window (CloudWatch's beside the sample's) can pass 1.
		if total > 0 {
			h.share = math.Min(1, s.records/total)
		}
		if totalBytes > 0 {
			h.byteShare = math.Min(1, s.bytes/totalBytes)
		}
		overLimit := s.peakSecond && s.peakUtil() >= 0.95
		h.throttled = s.throttling() || (o.throttledAny && overLimit && !(s.throttled == 0))
		if max(h.share, h.byteShare) >= 1.5/float64(o.n) && (h.throttled || s.peakUtil() >= 0.9) {
			hot = append(hot, h)
		}
	}
	if len(hot) == 0 || len(hot) > o.n/2 {
		return nil
	}
	var out []metrics.Finding
	for _, h := range hot {
		s := h.s
		othersUtil := utilization(total-s.records, totalBytes-s.bytes, o.n-1)
		state := fmt.Sprintf("at %s of its %s limit at its busiest %s (%s)", pct(s.peakUtil()), peakLimit(s), peakWhat(s, o), clock(s.peakAt))
		bases := []string{o.shardBasis}
		switch {
		case s.throttling():
			state += fmt.Sprintf(", refusing %s records/s (shard-level WriteProvisionedThroughputExceeded)", count(s.throttled))
		case h.throttled:
			state += fmt.Sprintf(", as the stream refuses %s records/s", count(o.throttled))
		}
		// What the stream's sums add: the throttles a sampled shard is blamed for, its share.
		switch shares := o.cw && o.v.ShardLevel == nil; {
		case h.throttled && !s.throttling() && shares:
			bases = append(bases, "throttles and shares "+o.cwBasis)
		case h.throttled && !s.throttling():
			bases = append(bases, "throttles "+o.cwBasis)
		case shares:
			bases = append(bases, "shares "+o.cwBasis)
		}
		f := metrics.Finding{
			Rule: "hot-shard", Severity: Warning, ShardID: s.id,
			Evidence: map[string]any{
				"shard_id": s.id, "share_of_records": round3(h.share), "share_of_bytes": round3(h.byteShare),
				"records_per_sec": round3(s.records), "mib_per_sec": round3(s.bytes / (1 << 20)),
				"peak_records_per_sec": round3(s.peakRecords), "peak_mib_per_sec": round3(s.peakBytes / (1 << 20)),
				"peak_utilization": round3(s.peakUtil()), "peak_at": stamp(s.peakAt),
				"throttled_records_per_sec": round3(nanTo(s.throttled, 0)), "other_shards_mean_utilization": round3(othersUtil),
				"open_shards": o.n,
			},
		}
		if h.throttled {
			f.Severity = Critical
		}
		others := fmt.Sprintf("the other %s average %s", plural(o.n-1, "shard"), pct(othersUtil))
		var top []metrics.KeyCount
		if s.sample != nil {
			top = s.sample.TopKeys
			keys := make([]map[string]any, 0, 3)
			for _, k := range top[:min(3, len(top))] {
				keys = append(keys, map[string]any{"key": k.Key, "share": round3(k.RecordShare)})
			}
			f.Evidence["top_keys"] = keys
		}
		if len(top) > 0 && top[0].RecordShare >= dominantKeyShare {
			dom := top[0]
			spread := spreadNeeded(dom.RecordShare*s.peakRecords, byteShareOf(dom)*s.peakBytes)
			f.Title, f.Key = "Hot partition key", dom.Key
			f.Summary = fmt.Sprintf("key %q sends %s of %s's records in the sample (about %s records/s at its busiest): the shard takes %s of the stream's records and is %s, while %s",
				dom.Key, pct(dom.RecordShare), s.id, count(dom.RecordShare*s.peakRecords), pct(h.share), state, others)
			f.Advice = hotKeyAdvice(dom.Key, spread)
			f.Evidence["key"], f.Evidence["key_share"], f.Evidence["suffixes_needed"] = dom.Key, round3(dom.RecordShare), spread
			if kb := keyBasis(o); kb != "" {
				bases = append(bases, kb)
			} else {
				bases[0] = "shard and key " + o.shardBasis
			}
		} else {
			keys := "its keys are not in the sample"
			if s.sample != nil {
				keys = "no single key dominates it (top: " + topKeys(top) + ")"
				bases = append(bases, keyBasis(o))
			}
			f.Title = "Hot shard"
			f.Summary = fmt.Sprintf("%s takes %s of the stream's records (%s records/s, %s) and is %s, while %s; %s",
				s.id, pct(h.share), count(s.records), mib(s.bytes), state, others, keys)
			var mid string
			f.Advice, mid = hotRangeAdvice(s.id, s.start, s.end)
			if mid != "" {
				f.Evidence["split_at_hash_key"] = mid
			}
		}
		f.Basis = basis(bases...)
		out = append(out, f)
	}
	return out
}

// keyBasis is where a hot shard's keys come from, "" when its figures already say (the sample).
func keyBasis(o *outside) string {
	if o.shardBasis == "from "+sampleText(o.v.Sample) {
		return ""
	}
	return o.sampleKeyBasis
}

// byteShareOf is a key's share of its shard's bytes, its record share when bytes were not counted.
func byteShareOf(k metrics.KeyCount) float64 {
	if k.ByteShare > 0 {
		return k.ByteShare
	}
	return k.RecordShare
}

// peakLimit names the limit a shard's peak is nearer.
func peakLimit(s outsideShard) string {
	if s.peakRecords/shardRecordsPerSec >= s.peakBytes/shardBytesPerSec {
		return "records"
	}
	return "bytes"
}

// peakWhat names the span of a shard's peak: a second, or a CloudWatch period.
func peakWhat(s outsideShard, o *outside) string {
	if s.peakSecond {
		return "second"
	}
	if sl := o.v.ShardLevel; sl != nil {
		return periodWord(sl.Period)
	}
	return "period"
}
