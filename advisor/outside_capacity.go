package advisor

import (
	"fmt"
	"math"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// outsideCapacity: in its busiest period the stream as a whole accepts near its capacity and
// refuses writes. The demand is not measured directly from outside: the stream accepted what
// it could, and most producers retry what it refused, so a refused record may be counted
// several times. Accepted is a lower bound of the demand, accepted + refused an upper bound;
// the finding says both and sizes the stream for the upper one.
func outsideCapacity(o *outside) []metrics.Finding {
	if !o.cw || o.n == 0 || !o.throttledAny || !(o.streamUtil() >= loadedUtil) {
		return nil
	}
	recordsUtil := o.peakRecords / float64(o.n*shardRecordsPerSec)
	bytesUtil := o.peakBytes / float64(o.n*shardBytesPerSec)
	limit, perShard, accepted, at := "records", float64(shardRecordsPerSec), o.peakRecords, o.peakRecordsAt
	if bytesUtil > recordsUtil {
		limit, perShard, accepted, at = "bytes", shardBytesPerSec, o.peakBytes, o.peakBytesAt
	}
	points := o.recordsPoints
	if limit == "bytes" {
		points = o.bytesPoints
	}
	if at < 0 || at >= len(points) {
		return nil
	}
	refusedRecords := o.throttledIn(points[at].Start)
	refused := refusedRecords
	if limit == "bytes" {
		// CloudWatch counts refused records, not their bytes: take the accepted records' mean size.
		refused = refusedRecords * o.peakBytes / math.Max(o.peakRecords, 1)
	}
	least := max(o.n+1, ceilCount(accepted/perShard))
	upper := max(least, ceilCount((accepted+refused)/perShard))
	show := func(x float64) string {
		if limit == "bytes" {
			return mib(x)
		}
		return count(x) + " records/s"
	}
	f := metrics.Finding{
		Rule: "stream-capacity", Severity: Critical, Title: "Stream capacity exhausted",
		Summary: fmt.Sprintf("in its busiest %s the stream accepted %s, %s of the capacity of its %s (%s), and refused %s records/s more (%s of the writes over the window): the demand lies between %s and %s — most producers retry refused records, so the refusals count some records more than once",
			periodWord(o.period), show(accepted), pct(math.Max(recordsUtil, bytesUtil)), plural(o.n, "shard"), capacityOf(o.n, limit),
			count(refusedRecords), pct(o.throttledFraction()), show(accepted), show(accepted+refused)),
		Evidence: map[string]any{
			"open_shards": o.n, "binding_limit": limit, "period_seconds": o.period.Seconds(),
			"peak_accepted_records_per_sec": round3(o.peakRecords), "peak_accepted_mib_per_sec": round3(o.peakBytes / (1 << 20)),
			"peak_refused_records_per_sec": round3(refusedRecords), "throttled_fraction": round3(o.throttledFraction()),
			"peak_utilization": round3(o.streamUtil()), "shards_needed": upper, "shards_needed_at_least": least,
		},
		Basis: o.cwBasis,
	}
	peak := show(accepted+refused) + " (accepted plus refused: an upper bound)"
	if o.v.Stream.Mode == "ON_DEMAND" {
		f.Advice = fmt.Sprintf("The stream is on-demand: it adapts to twice its previous peak, and traffic that more than doubles within 15 minutes is throttled until it does. Ramp the traffic up gradually, or, for a known peak, switch to provisioned mode and UpdateShardCount to %d%s for the measured peak of %s.",
			upper, scalingSteps(o.n, upper), peak)
	} else {
		f.Advice = resizeAdvice(upper, o.n, peak)
		if least < upper {
			f.Advice += fmt.Sprintf(" Fewer may do if most refusals were retries: at least %s are needed, since the stream refuses writes at %s.", plural(least, "shard"), plural(o.n, "shard"))
		}
	}
	if limit == "records" && sampleUnaggregated(o.v.Sample) {
		f.Advice += " The records limit binds and the sample shows unaggregated records: aggregate them before adding shards (see the record-bound finding)."
	}
	return []metrics.Finding{f}
}

// periodWord names a CloudWatch period for a sentence: "minute", "second", "5-minute period".
func periodWord(p time.Duration) string {
	switch p {
	case time.Minute:
		return "minute"
	case time.Second:
		return "second"
	}
	return periodText(p) + " period"
}

// sampleUnaggregated says whether the sample shows most records are not KPL aggregates.
func sampleUnaggregated(s *metrics.RecordSample) bool {
	return s != nil && s.KinesisRecords > 0 && float64(s.Aggregated) < 0.5*float64(s.KinesisRecords)
}
