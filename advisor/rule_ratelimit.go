package advisor

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// rateLimitTooLow: the producer's own per-shard limiter holds records back while the shards take
// well under their limits and throttle nothing. The limit is the producer's setting, not Kinesis.
func rateLimitTooLow(w *window, loads []shardLoad) []metrics.Finding {
	if !w.enough() {
		return nil
	}
	var held []string
	var put, rate float64
	for _, l := range loads {
		if l.limiter >= 1 && !l.throttling() && math.Max(l.putPct[0], l.putPct[1]) < 80 && nanTo(l.ratePercent, w.settings.RateLimit) < 100 {
			held = append(held, l.id)
			put += math.Max(l.putPct[0], l.putPct[1])
			rate += nanTo(l.ratePercent, w.settings.RateLimit)
		}
	}
	if len(held) == 0 || w.mean(metrics.ThrottledFraction) >= 0.01 {
		return nil
	}
	rate /= float64(len(held))
	put /= float64(len(held))
	n := len(loads)
	f := metrics.Finding{
		Rule: "rate-limit-too-low", Severity: Warning, Title: "Producer's rate limit holds records back",
		Summary: fmt.Sprintf("%s held by the producer's limiter at %.0f%% of the shard limits (%s records/s and %s per shard) while they take %.0f%% of what Kinesis allows on average, with no throttles",
			shardList(held, n), rate, count(rate*shardRecordsPerSec/100), mib(rate*shardBytesPerSec/100), put),
		Evidence: map[string]any{"shards": held, "rate_limit_percent": w.settings.RateLimit, "effective_rate_percent": round3(rate),
			"adaptive": w.settings.Adaptive, "mean_put_percent_of_limit": round3(put)},
	}
	if w.settings.RateLimit < 100 {
		f.Advice = fmt.Sprintf("Raise RateLimit to 150 (the KPL default; now %.0f): the shards accept 1,000 records/s and 1 MiB/s each, and the service's throttling, not the producer, should be the limit (keep it at 100 when other producers share the stream).", w.settings.RateLimit)
	} else {
		f.Advice = fmt.Sprintf("Adaptive limiting lowered the rate to %.0f%% after earlier throttles and climbs back as requests succeed; if it stays low while the shards have room, turn it off (Adaptive=false) or raise AdaptiveFloor.", rate)
	}
	return []metrics.Finding{f}
}
