package advisor

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// The small-producer half of AWS's troubleshooting page, from a run's own figures: the
// producer's profile (run --producer) says which API its records travel by.

// Thresholds of the small-producer rules.
const (
	roundingWasteWorthSaying = 0.10  // of the byte capacity PutRecord spends on rounding
	roundingLoadWorthSaying  = 0.50  // of a shard's bytes limit, counted as PutRecord counts them
	unbatchedRecordsPerCall  = 1.5   // PutRecords calls carrying fewer records than this on average
	unbatchedCallsPerSec     = 50.0  // and at least this many calls/s in all
	criticalPathP99Ms        = 100.0 // what an application waits per put that a user notices
	burstShareOfClients      = 0.05  // reconnections in one second, of all clients, that make a burst
)

// attempted are the Kinesis records and bytes per second a run sent, accepted or throttled,
// over the window: what the shard limits were asked.
func attempted(w *window) (records, bytes float64) {
	records = nanTo(w.mean(metrics.PutRecords), 0) + nanTo(w.mean(metrics.ThrottledRecords), 0)
	bytes = nanTo(w.mean(metrics.PutBytes), 0) + nanTo(w.mean(metrics.ThrottledBytes), 0)
	return records, bytes
}

// putRecordRounding: records sent one PutRecord call each, at sizes just over a KiB multiple:
// each counts as the next whole KiB against the shard's 1 MiB/s, so a shard takes fewer of them
// than PutRecords (which rounds each call's sum once) would carry.
func putRecordRounding(w *window, loads []shardLoad) []metrics.Finding {
	if w.settings.Profile != "putrecord" || !w.enough() {
		return nil
	}
	recs, bytes := attempted(w)
	if !(recs >= 1) || !(bytes > 0) {
		return nil
	}
	r := roundingAt(bytes / recs)
	if r.wasted < roundingWasteWorthSaying {
		return nil
	}
	// The busiest shard's records, counted as PutRecord counts them, against its bytes limit:
	// the records routed to it (its demand), or what it was sent when nothing counts those.
	busiest, perShard := "", 0.0
	for _, l := range loads {
		a := l.offeredRecords
		if !(a > 0) {
			a = l.putPct[1]/100*shardRecordsPerSec + l.throttled
		}
		if a > perShard {
			busiest, perShard = l.id, a
		}
	}
	load := perShard * r.billed / shardBytesPerSec
	if load < roundingLoadWorthSaying {
		return nil
	}
	throttled := w.mean(metrics.ThrottledFraction) >= 0.01
	f := metrics.Finding{
		Rule: "putrecord-rounding", Severity: Info, Title: "PutRecord's 1 KiB rounding wastes shard capacity",
		Summary: fmt.Sprintf("PutRecord counts each %s-byte record (data + key) as %s KiB against the shard's 1 MiB/s: %s of the byte capacity goes to rounding, so a shard takes at most %s records/s this way where PutRecords would take %s",
			count(r.size), count(r.billed/1024), pct(r.wasted), count(r.putRecordPerShard), count(r.putRecordsPerShard)),
		Evidence: map[string]any{
			"producer": w.settings.Profile, "mean_record_bytes": round3(r.size), "billed_record_bytes": r.billed,
			"wasted_fraction_of_byte_capacity": round3(r.wasted), "putrecord_records_per_shard_per_sec": round3(r.putRecordPerShard),
			"putrecords_records_per_shard_per_sec": round3(r.putRecordsPerShard), "busiest_shard": busiest,
			"busiest_shard_records_per_sec": round3(perShard), "busiest_shard_billed_bytes_percent_of_limit": round3(100 * load),
			"throttled_fraction": round3(nanTo(w.mean(metrics.ThrottledFraction), 0)),
		},
		Advice: fmt.Sprintf("Send with PutRecords (run --producer putrecords): it rounds each call's records per shard once, so %s-byte records cost their own size and a shard carries %s records/s instead of %s. Or keep records (data + partition key) at or just under a KiB multiple: %s bytes would count as %s KiB.",
			count(r.size), count(r.putRecordsPerShard), count(r.putRecordPerShard), count(r.billed-1024), count(r.billed/1024-1)),
	}
	if r.billed <= 1024 {
		f.Advice = fmt.Sprintf("Send with PutRecords (run --producer putrecords): it rounds each call's records per shard once, so %s-byte records cost their own size and a shard carries %s records/s instead of %s.",
			count(r.size), count(r.putRecordsPerShard), count(r.putRecordPerShard))
	}
	if throttled {
		f.Severity = Warning
		f.Summary += fmt.Sprintf("; the stream throttles %s of the records", pct(nanTo(w.mean(metrics.ThrottledFraction), 0)))
	}
	return []metrics.Finding{f}
}

// unbatchedClients: a fleet's PutRecords calls carry about one record each. Each call is a
// request with its own round trip and its own rounding; gathering records for a moment before
// sending makes one call carry many.
func unbatchedClients(w *window) []metrics.Finding {
	if w.settings.Profile != "putrecords" || !w.enough() {
		return nil
	}
	perCall := w.mean(metrics.RecordsPerRequest)
	put := nanTo(w.mean(metrics.PutRecords), 0) + nanTo(w.mean(metrics.ThrottledRecords), 0)
	if !(perCall > 0) || perCall >= unbatchedRecordsPerCall {
		return nil
	}
	calls := put / perCall
	if calls < unbatchedCallsPerSec {
		return nil
	}
	return []metrics.Finding{{
		Rule: "clients-not-batching", Severity: Info, Title: "Clients could batch but do not",
		Summary: fmt.Sprintf("PutRecords calls carry %.1f records each on average (%s calls/s): each is one request with its own round trip, where one call could carry up to 500",
			perCall, count(calls)),
		Evidence: map[string]any{"producer": w.settings.Profile, "records_per_call": round3(perCall), "calls_per_sec": round3(calls)},
		Advice: "Let each client gather records for a moment before it sends (run --client-interval, e.g. 500ms, and --client-batch up to 500): " +
			"fewer, fuller PutRecords calls cost fewer round trips, less battery and radio time on a device, and fewer requests against the API.",
	}}
}

// criticalPathPuts: a fleet's application waits long for each put (from the call to its
// result). When a user's request waits on it (a browser's click, an app's screen), the put is
// on the critical path.
func criticalPathPuts(w *window) []metrics.Finding {
	if !w.settings.Fleet() || !w.enough() {
		return nil
	}
	p99 := w.mean(metrics.EndToEndP99)
	if !(p99 >= criticalPathP99Ms) {
		return nil
	}
	p50 := nanTo(w.mean(metrics.EndToEndP50), 0)
	f := metrics.Finding{
		Rule: "puts-on-critical-path", Severity: Warning, Title: "Puts on the application's critical path",
		Summary: fmt.Sprintf("the application waits %s at the 99th percentile for each put (median %s), from the call to its result: a user waits that long when the put is on the request path",
			ms(p99), ms(p50)),
		Evidence: map[string]any{"producer": w.settings.Profile, "application_latency_ms_p99": round3(p99), "application_latency_ms_p50": round3(p50),
			"throttled_fraction": round3(nanTo(w.mean(metrics.ThrottledFraction), 0))},
		Advice: "Take the put off the critical path: hand the record to a local buffer or background sender and answer the user at once " +
			"(the KPL and async SDK clients do this), with a bounded buffer and retries in the background; keep a synchronous put only where the caller must know the record is stored.",
	}
	// Intermittent connections (mobile apps, devices): the wait includes the time offline, the
	// page's reason such clients must not wait on a put.
	offline := 0.0
	for _, s := range w.samples {
		offline = math.Max(offline, nanTo(s.stream.Get(metrics.ClientsOffline), 0))
	}
	if offline > 0 {
		clients := nanTo(w.latest().stream.Get(metrics.ClientsOnline), 0) + nanTo(w.latest().stream.Get(metrics.ClientsOffline), 0)
		f.Summary += fmt.Sprintf("; clients lose the network (up to %s of %s offline at once) and hold their records until they reconnect, so a put that waits for its result waits out the lost connection",
			count(offline), count(clients))
		f.Evidence["max_clients_offline"] = offline
	}
	return []metrics.Finding{f}
}

// reconnectBurst: clients that were offline come back at once (the thundering herd after an
// outage) and drain their buffers together; the stream throttles in the seconds after.
func reconnectBurst(w *window) []metrics.Finding {
	if !w.settings.Fleet() || !w.enough() {
		return nil
	}
	at, peak := -1, 0.0
	for i, s := range w.samples {
		if r := s.stream.Get(metrics.ReconnectsPerSec); r > peak {
			at, peak = i, r
		}
	}
	clients := nanTo(w.latest().stream.Get(metrics.ClientsOnline), 0) + nanTo(w.latest().stream.Get(metrics.ClientsOffline), 0)
	if at < 0 || peak < math.Max(1, burstShareOfClients*clients) {
		return nil
	}
	var before, after, nAfter float64
	buffered := 0.0
	for i, s := range w.samples {
		thr := nanTo(s.stream.Get(metrics.ThrottledRecords), 0)
		if i < at {
			before += thr
		} else {
			after += thr
			nAfter++
		}
		buffered = math.Max(buffered, nanTo(s.stream.Get(metrics.ClientsBufferedRecords), 0))
	}
	afterRate := after / math.Max(nAfter, 1)
	if afterRate < 1 || after < 2*before {
		return nil
	}
	return []metrics.Finding{{
		Rule: "reconnect-burst-throttles", Severity: Warning, Title: "Reconnect burst throttles the stream",
		Summary: fmt.Sprintf("clients reconnected together (up to %s/s of %s clients) and drained their buffers (up to %s records held): the stream throttled %s records/s in the seconds after, against %s before",
			count(peak), count(clients), count(buffered), count(afterRate), count(before/math.Max(float64(at), 1))),
		Evidence: map[string]any{"producer": w.settings.Profile, "peak_reconnects_per_sec": round3(peak), "clients": clients,
			"max_buffered_records": buffered, "throttled_per_sec_after": round3(afterRate), "throttled_per_sec_before": round3(before / math.Max(float64(at), 1))},
		Advice: "Spread the comeback: each client waits a random delay (exponential backoff with full jitter) before it flushes what it buffered offline, " +
			"and drains its buffer at a bounded rate rather than all at once; or provision the stream for the burst (records buffered ÷ the seconds they may take to drain).",
	}}
}

// putRecordThreadBound: a producer that cannot batch (one PutRecord call per record) is bound
// by its threads ÷ the call's latency (Little's law): with every thread busy and no throttling,
// it delivers less than asked.
func putRecordThreadBound(w *window, d demand) []metrics.Finding {
	if w.settings.Profile != "putrecord" || !w.enough() || !(d.records >= 10) || w.mean(metrics.ThrottledFraction) >= 0.01 {
		return nil
	}
	put := nanTo(w.mean(metrics.UserRecordsPut), 0)
	threads := float64(w.settings.MaxConnections)
	inFlight := nanTo(w.mean(metrics.RequestsInFlight), 0)
	latMs := w.mean(metrics.RequestP50)
	if put >= 0.9*d.records || threads == 0 || inFlight < 0.9*threads || !(latMs >= 0.001) || !(put >= 0.001) {
		return nil
	}
	// Little's law: calls in flight = calls/s × seconds per call.
	need := ceilCount(1.2 * d.records * latMs / 1000)
	return []metrics.Finding{{
		Rule: "putrecord-thread-bound", Severity: Warning, Title: "PutRecord producer is bound by its threads",
		Summary: fmt.Sprintf("one PutRecord call per record from %.0f threads, all busy on calls taking %s: at most %s records/s (threads ÷ latency), and %s are asked; nothing is throttled",
			threads, ms(latMs), count(threads*1000/latMs), count(d.records)),
		Evidence: map[string]any{"producer": w.settings.Profile, "threads": int(threads), "calls_in_flight": round3(inFlight),
			"call_ms_p50": round3(latMs), "delivered_records_per_sec": round3(put), "asked_records_per_sec": round3(d.records), "threads_needed": need},
		Advice: fmt.Sprintf("By Little's law the %s records/s asked need about %d calls in flight at %s each: run %d threads (--max-connections), or use an asynchronous client that keeps many calls in flight without a thread each; better, %s.",
			count(d.records), need, ms(latMs), need, batchAdvice),
	}}
}
