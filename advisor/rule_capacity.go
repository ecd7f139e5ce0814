package advisor

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// Thresholds of the shard rules: a shard at 85% of a limit is at it (the service measures per
// second; a producer averaging 85% over a window has seconds at 100%); below 60% it has room.
const (
	loadedUtil = 0.85
	idleUtil   = 0.6
)

// streamCapacity: most shards near a limit, with throttles. The stream is too small for the
// demand: say how many shards the measured peak needs, rounded up as AWS sizing does
// (max of MiB/s in ÷ 1 MiB/s and records/s ÷ 1000), or on-demand mode.
func streamCapacity(w *window, d demand, loads []shardLoad) []metrics.Finding {
	if !w.enough() || len(loads) == 0 {
		return nil
	}
	loaded, throttling := 0, 0
	var queued float64
	for i := range loads {
		if loads[i].util >= loadedUtil || loads[i].throttling() {
			loaded++
			queued += loads[i].limiter
		}
		if loads[i].throttling() {
			throttling++
		}
	}
	n := len(loads)
	// The excess shows as throttles or, once adaptive limiting has learnt the shards' rate, as
	// records queued in the producer's limiter instead.
	throttled := w.mean(metrics.ThrottledFraction) >= 0.01
	if float64(loaded) < 0.75*float64(n) || !(throttled || queued >= 1) {
		return nil
	}
	needBytes := d.peakBytes * d.overhead / shardBytesPerSec
	needRecords := d.peakRecords / d.aggRatio / shardRecordsPerSec
	need := ceilCount(math.Max(needBytes, needRecords))
	limit, peak := "bytes", mib(d.peakBytes*d.overhead)
	if needRecords > needBytes {
		limit, peak = "records", count(d.peakRecords/d.aggRatio)+" Kinesis records/s"
	}
	f := metrics.Finding{
		Rule: "stream-capacity", Severity: Critical, Title: "Stream capacity exhausted",
		Summary: fmt.Sprintf("%d of %d shards are at their %s limit and %s; the workload's peak is %s (%s user records/s) against %s of capacity",
			loaded, n, limit, pressure(w, throttled, queued), peak, count(d.peakRecords), capacityOf(n, limit)),
		Evidence: map[string]any{
			"open_shards": n, "shards_at_limit": loaded, "shards_throttling": throttling, "binding_limit": limit,
			"peak_user_records_per_sec": round3(d.peakRecords), "peak_mib_per_sec": round3(d.peakBytes * d.overhead / (1 << 20)),
			"throttled_fraction": round3(nanTo(w.mean(metrics.ThrottledFraction), 0)), "limiter_queued_records": round3(queued), "shards_needed": need,
		},
	}
	switch {
	case need == 0 || d.peakRecords < 1:
		// No peak measured (next to nothing offered in the window): no shard count to compute from it.
		delete(f.Evidence, "shards_needed")
		f.Advice = "The shards are at their limit, but the window holds no measure of the demand to size the stream from: add shards (UpdateShardCount) or switch the stream to on-demand capacity mode, and watch the throttles."
	case need > n:
		f.Advice = resizeAdvice(need, n, peak)
	default:
		f.Advice = fmt.Sprintf("The peak of %s fits %s on average, so the throttles come from bursts above the per-second limit or uneven routing: keep RateLimit at 100 or below so the producer smooths bursts (now %.0f%%), or add headroom: UpdateShardCount to %d.",
			peak, plural(n, "shard"), w.settings.RateLimit, n+1)
		f.Evidence["shards_needed"] = n + 1
	}
	if limit == "records" && !w.settings.Aggregation {
		f.Advice += " The records limit binds: enable aggregation before adding shards (see the record-bound finding)."
	}
	return []metrics.Finding{f}
}

// onDemandAdvice is the alternative to resharding a provisioned stream.
const onDemandAdvice = "Or switch the stream to on-demand capacity mode, which scales to twice its previous peak (a new on-demand stream starts at about 4 MiB/s)."

// resizeAdvice says how to grow a stream of n shards to need for a peak: the UpdateShardCount
// call (and its doubling steps), or on-demand mode.
func resizeAdvice(need, n int, peak string) string {
	return fmt.Sprintf("Needs %s for the measured peak of %s: UpdateShardCount to %d%s. %s",
		plural(need, "shard"), peak, need, scalingSteps(n, need), onDemandAdvice)
}

// pressure says how the excess shows: throttles, or records the producer's limiter holds back.
func pressure(w *window, throttled bool, queued float64) string {
	if throttled {
		return fmt.Sprintf("the stream refuses %s of what is sent (%s throttled)", pct(w.mean(metrics.ThrottledFraction)), mib(nanTo(w.mean(metrics.ThrottledBytes), 0)))
	}
	return fmt.Sprintf("the producer's limiter holds %s records back to keep throttles away", count(queued))
}

func capacityOf(n int, limit string) string {
	if limit == "records" {
		return count(float64(n*shardRecordsPerSec)) + " records/s"
	}
	return strconv.Itoa(n) + " MiB/s"
}

// scalingSteps spells out the UpdateShardCount calls: one call may at most double the count.
func scalingSteps(from, to int) string {
	if to <= 2*from {
		return ""
	}
	steps := []string{strconv.Itoa(from)}
	for c := from; c < to; {
		// Written so that c never overflows, however large to is.
		if c > to/2 {
			c = to
		} else {
			c *= 2
		}
		steps = append(steps, strconv.Itoa(c))
	}
	return " (one call may at most double the count: " + strings.Join(steps, " → ") + ")"
}
