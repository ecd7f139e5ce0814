package advisor

import (
	"fmt"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// outsideBursts: the stream refuses writes while its busiest period is well under capacity and
// no shard stands out as hot. The shard limits are per second: writes that come in bursts are
// refused in the second they exceed a shard's limit, and a 1-minute sum averages that second
// away. The sample's one-second arrival peaks show the burst — the shard, its size, when.
// PutRecord's rounding (outside_putrecord_rounding.go) refuses writes under the capacity the
// sums show too; when it does, its finding explains the refusals instead.
func outsideBursts(o *outside, hot, rounding []metrics.Finding) []metrics.Finding {
	if !o.cw || o.n == 0 || !o.throttledAny || o.streamUtil() >= loadedUtil || len(hot) > 0 || len(rounding) > 0 {
		return nil
	}
	f := metrics.Finding{
		Rule: "write-bursts", Severity: Warning, Title: "Writes come in bursts above the per-second limits",
		Evidence: map[string]any{
			"open_shards": o.n, "throttled_records_per_sec": round3(o.throttled), "throttled_fraction": round3(o.throttledFraction()),
			"peak_utilization": round3(o.streamUtil()), "period_seconds": o.period.Seconds(),
		},
		Basis: o.cwBasis,
	}
	if o.throttledFraction() < 0.01 {
		// A few refusals in a thousand are retried and pass: worth knowing, not a warning.
		f.Severity = Info
	}
	head := fmt.Sprintf("the stream refuses %s records/s (%s of the writes) while its busiest %s used %s of the capacity of its %s",
		count(o.throttled), pct(o.throttledFraction()), periodWord(o.period), pct(o.streamUtil()), plural(o.n, "shard"))
	advice := "The shard limits hold per second: spread the writes over time (a steady rate limit such as the KPL's RateLimit, jitter on timers and batch jobs so clients do not all send at once), or add headroom for the peaks."
	var burst *outsideShard
	for i := range o.shards {
		if s := &o.shards[i]; s.peakSecond && s.peakUtil() >= 0.95 && (burst == nil || s.peakUtil() > burst.peakUtil()) {
			burst = s
		}
	}
	switch {
	case burst != nil:
		f.ShardID = burst.id
		f.Summary = fmt.Sprintf("%s: %s took %s records and %s in the second at %s, %s of its %s limit, against a mean of %s records/s (%s)",
			head, burst.id, count(burst.peakRecords), mib(burst.peakBytes), clock(burst.peakAt), pct(burst.peakUtil()), peakLimit(*burst),
			count(burst.records), pct(burst.meanUtil()))
		f.Evidence["shard_id"], f.Evidence["peak_records_per_sec"], f.Evidence["peak_mib_per_sec"] = burst.id, round3(burst.peakRecords), round3(burst.peakBytes/(1<<20))
		f.Evidence["peak_at"], f.Evidence["shard_mean_utilization"] = stamp(burst.peakAt), round3(burst.meanUtil())
		f.Basis = basis(o.cwBasis, "peaks "+o.shardBasis)
		if burst.sample != nil {
			f.Basis = basis(o.cwBasis, "peaks from "+sampleText(o.v.Sample))
		}
		f.Advice = advice
	case o.v.Sample != nil && len(o.v.Sample.Shards) < o.n:
		f.Summary = head + fmt.Sprintf(": the sampled shards' busiest seconds stay under the limits, so the bursts hit the %s the sample does not read",
			plural(o.n-len(o.v.Sample.Shards), "shard"))
		f.Basis = basis(o.cwBasis, "peaks from "+sampleText(o.v.Sample))
		f.Advice = advice
	case o.period <= time.Second:
		f.Summary = head + fmt.Sprintf(" (its busiest second: %s records/s): the stream's total stays under capacity, so single shards take more than their limit in their busiest seconds", count(o.peakRecords))
		f.Advice = advice + " Shard-level metrics or the record sample would name the shards."
	default:
		f.Summary = head + fmt.Sprintf(": %s sums average the bursts away — the records of a burst arrive within a second, and the second is what the limit counts", periodText(o.period))
		f.Advice = advice + " The record sample's 1-second arrival peaks would show the bursts: which shard, how large, when."
	}
	// Shard-level metrics say which shards refused, even when their sums hide the seconds.
	var refusing []string
	for _, s := range o.shards {
		if s.throttling() {
			refusing = append(refusing, s.id)
		}
	}
	if len(refusing) > 0 && o.v.ShardLevel != nil {
		names := strings.TrimSuffix(strings.TrimSuffix(shardList(refusing, o.n), " is"), " are")
		f.Summary += "; shard-level metrics show refusals on " + names
		f.Evidence["shards_refusing"] = refusing
		f.Basis = basis(f.Basis, "refusals "+o.shardBasis)
	}
	return []metrics.Finding{f}
}
