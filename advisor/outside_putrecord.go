package advisor

import (
	"fmt"

	"github.com/shardstorm/shardstorm/metrics"
)

// Thresholds of many PutRecord calls: at least this many successful calls per second in all,
// and either this many per open shard or most of the records the stream accepts.
const (
	manyPutRecordCalls         = 50.0
	manyPutRecordCallsPerShard = 100.0
)

// outsidePutRecordCalls: most records arrive one PutRecord call each. Every PutRecord is one
// request, so a client's rate is bounded by its connections ÷ the call's latency; PutRecords
// carries up to 500 records in one. An info finding: from outside nothing says the client is
// at that bound (its connection count is not visible), but it is the first thing to change
// when it is.
func outsidePutRecordCalls(o *outside) []metrics.Finding {
	k := o.v.Kinesis
	if !o.cw || o.n == 0 {
		return nil
	}
	calls := nanTo(k.Rate(streamSum("PutRecord.Success")), 0)
	if calls < manyPutRecordCalls {
		return nil
	}
	share := calls / max(o.records, calls) // each successful PutRecord is one accepted record
	perShard := calls / float64(o.n)
	if perShard <= manyPutRecordCallsPerShard && share < 0.5 {
		return nil
	}
	latency := k.Mean(metrics.CWSeriesID{Name: "PutRecord.Latency", Stat: "Average"})
	f := metrics.Finding{
		Rule: "small-putrecord-calls", Severity: Info, Title: "Many single-record PutRecord calls",
		Summary: fmt.Sprintf("%s successful PutRecord calls/s (%s per shard) bring %s of the records the stream accepts: each PutRecord is one request",
			count(calls), count(perShard), pct(share)),
		Evidence: map[string]any{
			"putrecord_calls_per_sec": round3(calls), "putrecord_calls_per_shard_per_sec": round3(perShard),
			"putrecord_share_of_records": round3(share), "open_shards": o.n,
		},
		Basis: o.cwBasis,
	}
	advice := "Each PutRecord is one request, so a client makes at most (connections ÷ round trip) calls per second"
	switch {
	case latency >= 1:
		// PutRecord.Latency is the service's time; the client's round trip adds the network,
		// so this bound is the most a connection can do, never what it does.
		perConn := 1000 / latency
		f.Summary += fmt.Sprintf(" taking %s on average in the service", ms(latency))
		f.Evidence["putrecord_latency_ms"] = round3(latency)
		f.Evidence["calls_per_connection_per_sec"] = round3(perConn)
		advice += fmt.Sprintf(": at the service's measured %s (the network adds to it), at most about %s calls/s per connection", ms(latency), count(perConn))
	case latency >= 0:
		f.Evidence["putrecord_latency_ms"] = round3(latency)
		advice += " (the service answers in under 1 ms here, so the client's round trip is all network and client)"
	}
	f.Advice = advice + ". When the producer must go faster, " + batchAdvice + ": one request then carries many records for the same round trip."
	return []metrics.Finding{f}
}
