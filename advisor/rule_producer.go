package advisor

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// producerBound: nothing is throttled, yet the producer delivers less than asked or its buffers
// grow, with every connection busy: the producer is latency-bound. By Little's law the records
// it delivers per second are connections × records per request ÷ request time, so the answers
// are more connections, fuller requests (aggregation, collection), or more producers.
func producerBound(w *window, d demand) []metrics.Finding {
	if !w.enough() || !(d.records >= 10) || w.mean(metrics.ThrottledFraction) >= 0.01 {
		return nil
	}
	put := nanTo(w.mean(metrics.UserRecordsPut), 0)
	first, last := w.samples[0].stream.Get(metrics.PendingRecords), w.latest().stream.Get(metrics.PendingRecords)
	maxBuf := float64(w.settings.MaxBufferedRecords)
	growing := last > first && last >= 0.1*maxBuf
	full := nanTo(meanOf(w.samples, func(s *sample) float64 { return s.droppedFull }), 0) > 0
	short := put < 0.9*d.records
	inFlight, conns := nanTo(w.mean(metrics.RequestsInFlight), 0), float64(w.settings.MaxConnections)
	if !(short || growing || full) || conns == 0 || inFlight < 0.9*conns {
		return nil
	}
	rawP50 := w.mean(metrics.RequestP50)
	// No request time measured, or nothing delivered: Little's law has nothing to divide by, and
	// a connection count computed from zeros (once "1048576 connections") is a lie. Requests
	// that answer with errors are other rules' business. Under a microsecond is no measurement
	// of a round trip either (and would read "0 ms" in the evidence).
	if !(rawP50 >= 0.001) {
		return requestsHanging(w, d, inFlight, conns)
	}
	if !(put >= 0.001) {
		return nil
	}
	reqP50, reqP99 := rawP50, nanTo(w.mean(metrics.RequestP99), 0)
	perConn := put / math.Max(inFlight, 1)
	need := ceilCount(1.2 * d.records / math.Max(perConn, 1e-9))
	f := metrics.Finding{
		Rule: "producer-bound", Severity: Warning, Title: "Producer is latency-bound: every connection busy",
		Summary: fmt.Sprintf("no throttles, but the producer delivers %s of %s records/s asked with %.0f of %.0f connections busy on requests taking %s (p99 %s); %s records buffered",
			count(put), count(d.records), inFlight, conns, ms(reqP50), ms(reqP99), count(nanTo(last, 0))),
		Evidence: map[string]any{
			"delivered_records_per_sec": round3(put), "asked_records_per_sec": round3(d.records),
			"requests_in_flight": round3(inFlight), "max_connections": int(conns),
			"request_ms_p50": round3(reqP50), "request_ms_p99": round3(reqP99),
			"pending_records": nanTo(last, 0), "buffers_growing": growing, "records_refused_buffer_full": full,
			"kinesis_records_per_request": round3(nanTo(w.mean(metrics.RecordsPerRequest), 0)),
			"aggregation_enabled":         w.settings.Aggregation, "connections_needed": need,
		},
	}
	switch {
	case need <= 1024:
		f.Advice = fmt.Sprintf("Each connection delivers about %s records/s at this latency: raise MaxConnections to %d (now %.0f) for the %s records/s asked.", count(perConn), need, conns, count(d.records))
	default:
		f.Advice = fmt.Sprintf("At this latency the %s records/s asked need about %d connections, more than one producer should hold (MaxConnections ≤ 1024): spread the load over %d producers.", count(d.records), need, int(math.Ceil(float64(need)/256)))
	}
	if !w.settings.Aggregation {
		f.Advice += " Enable aggregation: fuller requests carry more records per round trip."
	}
	f.Advice += " Or add producers. A small client that cannot hold many connections (mobile, IoT, browser) should " + batchAdvice + "."
	return []metrics.Finding{f}
}

// batchAdvice is how a client making one request per record gets more through each round trip.
const batchAdvice = "batch with PutRecords (up to 500 records or 10 MiB per call) rather than one PutRecord per record"

// requestsHanging: every connection busy and no request completing. More connections would
// only wait too; the endpoint is not answering, or answers slower than RequestTimeout.
func requestsHanging(w *window, d demand, inFlight, conns float64) []metrics.Finding {
	return []metrics.Finding{{
		Rule: "requests-hanging", Severity: Critical, Title: "Endpoint not answering: requests hang",
		Summary: fmt.Sprintf("no request completed in the last %s: %.0f of %.0f connections wait on requests while %s records/s are asked",
			dur(w.span), inFlight, conns, count(d.records)),
		Evidence: map[string]any{
			"requests_in_flight": round3(inFlight), "max_connections": int(conns),
			"asked_records_per_sec": round3(d.records), "delivered_records_per_sec": round3(nanTo(w.mean(metrics.UserRecordsPut), 0)),
		},
		Advice: "Check that the endpoint is up and reachable: it accepts connections but does not answer. More connections or producers would not help; each request ends at RequestTimeout and is retried.",
	}}
}
