package advisor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// recordsExpiring: records reach RecordTtl before Kinesis accepts them and fail with ErrExpired.
// That is data the caller must handle: either the TTL is short for the waits throttling causes,
// or capacity is short and a longer TTL only delays the loss.
func recordsExpiring(w *window, loads []shardLoad) []metrics.Finding {
	expired := w.mean(metrics.Expired)
	if !(expired > 0) {
		return nil
	}
	ttl := w.settings.RecordTtl
	thr := nanTo(w.mean(metrics.ThrottledFraction), 0)
	var queued float64 // records waiting in the limiters for shards at their limits
	for _, l := range loads {
		queued += l.limiter
	}
	f := metrics.Finding{
		Rule: "records-expiring", Severity: Critical, Title: "Records expiring before Kinesis accepts them",
		Summary: fmt.Sprintf("%s records/s expire after RecordTtl %s while %s of the records sent are throttled, %s records/s are retried and %s wait in the producer's limiter; records that succeed wait up to %s (p99 %s)",
			count(expired), dur(ttl), pct(thr), count(nanTo(w.mean(metrics.Retries), 0)), count(queued), ms(nanTo(w.max(metrics.EndToEndMax), 0)), ms(nanTo(w.mean(metrics.EndToEndP99), 0))),
		Evidence: map[string]any{
			"expired_per_sec": round3(expired), "record_ttl_seconds": ttl.Seconds(), "throttled_fraction": round3(thr),
			"retries_per_sec": round3(nanTo(w.mean(metrics.Retries), 0)), "limiter_queued_records": round3(queued), "end_to_end_p99_ms": round3(nanTo(w.mean(metrics.EndToEndP99), 0)),
			"errors_per_sec": errorRates(w),
		},
	}
	// A record whose last request timed out is not lost for sure: the stream may hold it.
	if maybe := nanTo(w.mean(metrics.MaybeStored), 0); maybe > 0 {
		f.Summary += fmt.Sprintf("; %s records/s of the failed were sent and got no answer (%s): the stream may hold them (maybe stored)", count(maybe), topErrors(w))
		f.Evidence["maybe_stored_per_sec"] = round3(maybe)
	}
	longer := max(metrics.DefaultRecordTtl, 4*ttl)
	f.Advice = expiryAdvice(thr >= 0.01 || queued >= 1, "(throttled, or queued by the limiter)", "to "+dur(longer), topErrors(w), permanentCodes(errorRates(w)))
	return []metrics.Finding{f}
}

// expiryAdvice says what to do about expiring records: ride out the wait behind shards at
// their limits (how is what shows the wait) and fix the capacity, or, without throttling,
// look at the errors that make records fail (errs). raise says to what RecordTtl goes.
//
// permanent names the failing codes that no wait cures (KMS access denied, a missing stream, a
// refused request): records retried on them expire whatever the TTL, so the advice is to fix
// them, not to raise it.
func expiryAdvice(throttled bool, how, raise, errs string, permanent []string) string {
	if len(permanent) > 0 && !throttled {
		return fmt.Sprintf("Records fail on errors that no retry cures (%s) and are retried until RecordTtl: a longer TTL will not save them. Fix the cause (see the %s finding); until then every record is lost.",
			strings.Join(permanent, ", "), permanentFindingName(permanent[0]))
	}
	if throttled {
		return fmt.Sprintf("Records wait behind shards at their limits %s longer than they may live. Raise RecordTtl %s (the KPL default is 30s) so they ride out the wait, and fix the capacity (see the stream-capacity or hot-shard finding): while demand exceeds capacity, a longer TTL only delays the loss and grows the buffers.", how, raise)
	}
	return fmt.Sprintf("Records expire without throttling: they fail repeatedly (%s). Raise RecordTtl %s to give retries time, and look at the errors.", errs, raise)
}

// errorRates are the window's failed attempts/s by code.
func errorRates(w *window) map[string]float64 {
	out := map[string]float64{}
	for _, s := range w.samples {
		for code := range s.stream.Errors {
			out[code] = 0
		}
	}
	for code := range out {
		out[code] = round3(w.errorRate(code))
	}
	return out
}

// topErrors lists the commonest error codes of the window with their rates.
func topErrors(w *window) string {
	rates := errorRates(w)
	codes := make([]string, 0, len(rates))
	for c := range rates {
		codes = append(codes, c)
	}
	if len(codes) == 0 {
		return "no error code recorded"
	}
	sort.Slice(codes, func(i, j int) bool { return rates[codes[i]] > rates[codes[j]] })
	s := ""
	for i, c := range codes[:min(3, len(codes))] {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s/s", c, count(rates[c]))
	}
	return s
}

// permanentCodes lists, sorted, the codes among rates (failures per second by error code) that
// waiting does not cure.
func permanentCodes(rates map[string]float64) []string {
	var out []string
	for code, r := range rates {
		if r > 0 && isPermanentCode(code) {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return out
}

// isPermanentCode says whether an error code fails every retry until something is changed:
// a KMS error other than throttling, access denied, a missing stream, a refused request.
func isPermanentCode(code string) bool {
	if k, ok := kmsErrorFor(code); ok {
		return k.code != "KMSThrottlingException"
	}
	switch code {
	case "AccessDeniedException", "ResourceNotFoundException", "ValidationException", "InvalidArgumentException":
		return true
	}
	return false
}

// permanentFindingName names the finding that explains a permanent error.
func permanentFindingName(code string) string {
	if _, ok := kmsErrorFor(code); ok {
		return "KMS"
	}
	return code
}
