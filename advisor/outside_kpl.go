package advisor

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// Thresholds of the producer-metrics rules.
const (
	// kplDefaultBufferedMs is the KPL's default RecordMaxBufferedTime. The application's own
	// setting is not published, so a buffering time is judged against this default.
	kplDefaultBufferedMs = 100.0
	bufferingOverFactor  = 5.0
	// highRetriesPerRecord: every other record needs a retry.
	highRetriesPerRecord = 0.5
	// pendingGrowthPoints: at least this many periods to call a level growing.
	pendingGrowthPoints = 4
)

// producerFindings runs the rules that read a producer's own published metrics.
func producerFindings(o *outside, p producerSource) []metrics.Finding {
	var out []metrics.Finding
	out = append(out, producerExpiring(o, p)...)
	out = append(out, producerBuffering(o, p)...)
	out = append(out, producerRetries(o, p)...)
	out = append(out, producerErrors(o, p)...)
	out = append(out, producerPendingGrowing(o, p)...)
	return out
}

// streamThrottles says what CloudWatch's stream metrics show of throttling, for a producer
// finding's summary, and the basis it adds ("" when they show none or are not read).
func (o *outside) streamThrottles() (text, b string) {
	if !o.cw || !o.throttledAny {
		return "", ""
	}
	return fmt.Sprintf(" while the stream refuses %s records/s (%s of the writes)", count(o.throttled), pct(o.throttledFraction())), "throttles " + o.cwBasis
}

// producerExpiring: UserRecordExpired > 0 — records reached RecordTtl in the producer before
// Kinesis accepted them: lost unless the application handles the failure.
func producerExpiring(o *outside, p producerSource) []metrics.Finding {
	expired, byAgent := p.rate("UserRecordExpired", "")
	if !(expired > 0) {
		return nil
	}
	thr, thrBasis := o.streamThrottles()
	agent, who := standout(byAgent, expired)
	f := metrics.Finding{
		Rule: "records-expiring", Severity: Critical, Title: "Records expiring before Kinesis accepts them",
		Summary: fmt.Sprintf("%s user records/s expire in %s before Kinesis accepts them (UserRecordExpired)%s%s",
			count(expired), p.who, thr, who),
		Evidence: map[string]any{"expired_per_sec": round3(expired), "errors_per_sec": p.errorRates()},
		Basis:    basis(p.basis, thrBasis),
		Advice: expiryAdvice(thr != "" || p.throttleErrors() > 0, "(throttled)", "above the application's current setting",
			p.topErrors(), permanentCodes(p.errorRates())),
	}
	p.agentFigures(&f, "expired_per_sec_by_agent", byAgent, agent)
	return []metrics.Finding{f}
}

// producerBuffering: records wait in the producer's buffers far longer than the KPL's default
// RecordMaxBufferedTime. Either the application set it that high (latency traded for fuller
// aggregates), or records queue behind throttled shards or busy connections.
func producerBuffering(o *outside, p producerSource) []metrics.Finding {
	buffering, where, agent, byAgent := p.worstLevel("BufferingTime")
	if !(buffering > bufferingOverFactor*kplDefaultBufferedMs) {
		return nil
	}
	thr, thrBasis := o.streamThrottles()
	f := metrics.Finding{
		Rule: "kpl-buffering-time", Severity: Warning, Title: "Records wait long in the producer's buffers",
		Summary: fmt.Sprintf("records wait %s on average in %s before they are sent (BufferingTime), over %.0f× the KPL's default RecordMaxBufferedTime of %s%s",
			ms(buffering), where, bufferingOverFactor, ms(kplDefaultBufferedMs), thr),
		Evidence: map[string]any{"buffering_time_ms": round3(buffering), "kpl_default_record_max_buffered_time_ms": kplDefaultBufferedMs},
		Basis:    basis(p.basis, thrBasis),
	}
	f.Advice = "The application's RecordMaxBufferedTime is not published: if it is set this high, lower it for latency (it trades latency for fuller aggregates). If it is not, records queue in the producer"
	if thr != "" {
		f.Advice += " behind throttled shards: fix the capacity first (see the stream-capacity, hot-shard or write-bursts finding)."
	} else {
		f.Advice += " because requests cannot leave fast enough: raise MaxConnections, and check that RateLimit is not set below the shards' limits."
	}
	p.agentFigures(&f, "buffering_time_ms_by_agent", byAgent, agent)
	return []metrics.Finding{f}
}

// producerRetries: RetriesPerRecord high — most records need more than one attempt, which
// costs latency and requests, and shows throttles or failures the stream metrics may not.
func producerRetries(o *outside, p producerSource) []metrics.Finding {
	retries, where, agent, byAgent := p.worstLevel("RetriesPerRecord")
	if !(retries >= highRetriesPerRecord) {
		return nil
	}
	thr, thrBasis := o.streamThrottles()
	f := metrics.Finding{
		Rule: "kpl-retries", Severity: Warning, Title: "Records need retries",
		Summary: fmt.Sprintf("records are retried %.1f times on average in %s (RetriesPerRecord)%s; errors: %s",
			retries, where, thr, p.topErrors()),
		Evidence: map[string]any{"retries_per_record": round3(retries), "errors_per_sec": p.errorRates()},
		Basis:    basis(p.basis, thrBasis),
	}
	switch {
	case thr != "" || p.throttleErrors() > 0:
		f.Advice = "The retries are mostly throttles: the shards refuse what is sent (see the stream-capacity, hot-shard or write-bursts finding). Retrying harder does not help; capacity, spread keys or a steadier rate do."
	case o.cw || len(p.errorRates()) > 0:
		f.Advice = "The retries are not throttles: look at the error codes (ErrorsByCode) — timeouts call for a longer RequestTimeout or a closer endpoint, internal failures usually pass."
	default:
		f.Advice = "Neither error codes nor the stream's CloudWatch metrics are read, so the cause is not visible: read the stream metrics (WriteProvisionedThroughputExceeded shows throttles) or the producer's ErrorsByCode. Throttles call for capacity or spread keys; timeouts for a longer RequestTimeout."
	}
	p.agentFigures(&f, "retries_per_record_by_agent", byAgent, agent)
	return []metrics.Finding{f}
}

// producerPendingGrowing: UserRecordsPending rises over most periods of the window — the
// application hands the producer more than it delivers. The KPL has no backpressure: its
// buffer grows until memory runs out or records expire.
func producerPendingGrowing(o *outside, p producerSource) []metrics.Finding {
	pts := p.pending()
	if len(pts) < pendingGrowthPoints {
		return nil
	}
	rises := 0
	for i := 1; i < len(pts); i++ {
		if pts[i].Value > pts[i-1].Value {
			rises++
		}
	}
	first, last := pts[0].Value, pts[len(pts)-1].Value
	if float64(rises) < 0.75*float64(len(pts)-1) || !(last >= 1.5*first) || last-first < 1000 {
		return nil
	}
	span := pts[len(pts)-1].Start.Sub(pts[0].Start).Seconds()
	growth := (last - first) / math.Max(span, 1)
	thr, thrBasis := o.streamThrottles()
	f := metrics.Finding{
		Rule: "kpl-pending-growing", Severity: Warning, Title: "Records pile up in the producer",
		Summary: fmt.Sprintf("records pending in %s rose in %d of %d periods, from %s to %s (%s records/s more each second)%s",
			p.who, rises, len(pts)-1, count(first), count(last), count(growth), thr),
		Evidence: map[string]any{"pending_first": round3(first), "pending_last": round3(last), "growth_per_sec": round3(growth),
			"periods": len(pts), "periods_rising": rises},
		Basis: basis(p.basis, thrBasis),
		Advice: "The application hands the producer more than it delivers, and the KPL has no backpressure: its buffer grows until memory runs out or records expire. " +
			"Bound it in the application (wait while getOutstandingRecordsCount is high), and find why delivery lags: throttles (see the capacity and hot-shard findings) or too few connections (MaxConnections).",
	}
	return []metrics.Finding{f}
}
