package metrics

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// NewPrometheusHandler serves the store's latest snapshot in the Prometheus text exposition
// format (0.0.4), which Prometheus and OpenMetrics scrapers both read. Counts are counters
// (cumulative, so rate() works across scrapes at any interval), levels are gauges, latencies are
// summaries whose quantiles cover the last sample interval and whose _sum/_count cover the run.
//
// Stream-wide families are shardstorm_<name>{stream}; per-shard ones are
// shardstorm_shard_<name>{stream,shard}, kept apart so that summing a family never counts a
// record twice. A shard leaves the exposition when it leaves the producer's map (its counters
// stop, as a restarted target's would). Before the first sample the body is empty.
//
// Written by hand rather than with client_golang: a scrape is one pass over one immutable
// snapshot, with no registry to keep in step with shards that come and go.
func NewPrometheusHandler(store *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		snap := store.Latest()
		if snap == nil {
			return
		}
		pw := promWriter{stream: escapeLabel(store.Stream())}
		pw.snapshot(snap)
		_, _ = w.Write(pw.b)
	})
}

type promWriter struct {
	b      []byte
	stream string // escaped
}

func (p *promWriter) family(name, typ, help string) {
	p.b = append(p.b, "# HELP "...)
	p.b = append(p.b, name...)
	p.b = append(p.b, ' ')
	p.b = append(p.b, help...)
	p.b = append(p.b, "\n# TYPE "...)
	p.b = append(p.b, name...)
	p.b = append(p.b, ' ')
	p.b = append(p.b, typ...)
	p.b = append(p.b, '\n')
}

// sample writes one line; shard "" leaves out the shard label, and k/v add one more label.
func (p *promWriter) sample(name, shard, k, v string, x float64) {
	p.b = append(p.b, name...)
	p.b = append(p.b, `{stream="`...)
	p.b = append(p.b, p.stream...)
	if shard != "" {
		p.b = append(p.b, `",shard="`...)
		p.b = append(p.b, escapeLabel(shard)...)
	}
	if k != "" {
		p.b = append(p.b, `",`...)
		p.b = append(p.b, k...)
		p.b = append(p.b, `="`...)
		p.b = append(p.b, escapeLabel(v)...)
	}
	p.b = append(p.b, `"} `...)
	switch {
	case math.IsNaN(x):
		p.b = append(p.b, "NaN"...)
	case math.IsInf(x, 1):
		p.b = append(p.b, "+Inf"...)
	case math.IsInf(x, -1):
		p.b = append(p.b, "-Inf"...)
	default:
		p.b = strconv.AppendFloat(p.b, x, 'g', -1, 64)
	}
	p.b = append(p.b, '\n')
}

func (p *promWriter) one(name, typ, help string, x float64) {
	p.family(name, typ, help)
	p.sample(name, "", "", "", x)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	return labelEscaper.Replace(s)
}

func (p *promWriter) snapshot(snap *Snapshot) {
	t := &snap.Producer.Stream
	p.one("shardstorm_user_records_received_total", "counter", "User records the producer accepted.", float64(t.UserRecordsReceived))
	p.one("shardstorm_offered_records_total", "counter", "User records offered (workload emitted, else the offer counter, else accepted by the producer).", float64(snap.Totals.OfferedRecords))
	if snap.Totals.OfferedBytes >= 0 {
		p.one("shardstorm_offered_bytes_total", "counter", "Data + partition key bytes offered.", float64(snap.Totals.OfferedBytes))
	}
	p.one("shardstorm_user_records_put_total", "counter", "User records acknowledged by Kinesis.", float64(t.UserRecordsPut))
	p.one("shardstorm_user_bytes_put_total", "counter", "Data + partition key bytes of the user records acknowledged.", float64(t.UserBytesPut))
	p.one("shardstorm_kinesis_records_put_total", "counter", "Kinesis records acknowledged (an aggregate counts once).", float64(t.KinesisRecordsPut))
	p.one("shardstorm_kinesis_bytes_put_total", "counter", "Data + partition key bytes of the Kinesis records acknowledged.", float64(t.KinesisBytesPut))
	p.one("shardstorm_requests_total", "counter", "PutRecords requests completed.", float64(t.Requests))
	p.one("shardstorm_throttled_records_total", "counter", "Kinesis records refused with ProvisionedThroughputExceededException.", float64(snap.Totals.ThrottledRecords))
	p.one("shardstorm_retries_total", "counter", "User records re-buffered after a failed attempt.", float64(t.Retries))
	p.one("shardstorm_failed_records_total", "counter", "User records resolved with an error, expired ones included.", float64(t.Failed))
	p.one("shardstorm_expired_records_total", "counter", "User records resolved with ErrExpired.", float64(t.Expired))
	o := snap.Totals.Outcomes
	p.family("shardstorm_failed_records_by_outcome_total", "counter", "Failed user records by what they mean for the stream: maybe_stored (sent, no answer), not_stored, never_sent.")
	p.sample("shardstorm_failed_records_by_outcome_total", "", "outcome", "maybe_stored", float64(o.MaybeStored))
	p.sample("shardstorm_failed_records_by_outcome_total", "", "outcome", "not_stored", float64(o.NotStored))
	p.sample("shardstorm_failed_records_by_outcome_total", "", "outcome", "never_sent", float64(o.NeverSent))
	p.one("shardstorm_possible_duplicates_total", "counter", "Acknowledged user records an earlier, unanswered attempt may have stored too.", float64(o.PossibleDuplicates))
	p.family("shardstorm_errors_total", "counter", "Failed attempts by error code.")
	for _, code := range sortedKeys(snap.Totals.ErrorsByCode) {
		p.sample("shardstorm_errors_total", "", "code", code, float64(snap.Totals.ErrorsByCode[code]))
	}
	if w := snap.Workload; w != nil {
		p.one("shardstorm_workload_scheduled_records_total", "counter", "Records whose scheduled time came.", float64(w.Scheduled))
		p.one("shardstorm_workload_dropped_records_total", "counter", "Records never sent: behind schedule or refused by a full buffer.", float64(w.Dropped))
		p.one("shardstorm_workload_late_records_total", "counter", "Records handed over late.", float64(w.Late))
		p.one("shardstorm_workload_target_rate", "gauge", "Records/s the workload shape asks for now.", w.TargetRate)
	}
	p.one("shardstorm_open_shards", "gauge", "Shards in the producer's current shard map.", float64(len(snap.Shards)))
	p.one("shardstorm_pending_records", "gauge", "User records accepted and not yet resolved.", float64(t.UserRecordsPending))
	p.one("shardstorm_pending_bytes", "gauge", "Bytes of the user records pending.", float64(t.UserBytesPending))
	p.one("shardstorm_requests_in_flight", "gauge", "PutRecords requests awaiting an answer.", float64(t.RequestsInFlight))
	p.latency("shardstorm_buffering_seconds", "Arrival to request start per user record; quantiles over the last sample interval.", t.BufferingTime, &snap.Stream, BufferingP50)
	p.latency("shardstorm_request_seconds", "PutRecords round trip per request; quantiles over the last sample interval.", t.RequestTime, &snap.Stream, RequestP50)
	p.latency("shardstorm_end_to_end_seconds", "Arrival to success per user record; quantiles over the last sample interval.", t.EndToEndTime, &snap.Stream, EndToEndP50)
	p.shards(snap)
}

// latency writes a summary: the interval's quantiles (stored in ms) and the run's sum and count.
func (p *promWriter) latency(name, help string, h *hdrhistogram.Histogram, v *Values, p50 Metric) {
	p.family(name, "summary", help)
	for i, q := range [4]string{"0.5", "0.9", "0.99", "1"} {
		p.sample(name, "", "quantile", q, v.v[p50+Metric(i)]/1000)
	}
	var count, sum float64
	if h != nil && h.TotalCount() > 0 {
		count = float64(h.TotalCount())
		sum = h.Mean() * count / 1e6 // µs → s
	}
	p.sample(name+"_sum", "", "", "", sum)
	p.sample(name+"_count", "", "", "", count)
}

// shardCounters are the per-shard families read from the producer's shard counters.
var shardCounters = []struct {
	name, help string
	get        func(*Snapshot, int) float64
}{
	{"shardstorm_shard_user_records_put_total", "User records acknowledged.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].UserRecordsPut) }},
	{"shardstorm_shard_user_bytes_put_total", "Bytes of the user records acknowledged.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].UserBytesPut) }},
	{"shardstorm_shard_kinesis_records_put_total", "Kinesis records acknowledged.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].KinesisRecordsPut) }},
	{"shardstorm_shard_kinesis_bytes_put_total", "Bytes of the Kinesis records acknowledged.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].KinesisBytesPut) }},
	{"shardstorm_shard_throttled_records_total", "Kinesis records refused with ProvisionedThroughputExceededException.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].Throttles) }},
	{"shardstorm_shard_retries_total", "User records re-buffered after a failed attempt.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].Retries) }},
	{"shardstorm_shard_failed_records_total", "User records resolved with an error.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].Failed) }},
	{"shardstorm_shard_expired_records_total", "User records resolved with ErrExpired.", func(s *Snapshot, i int) float64 { return float64(s.Producer.Shards[i].Expired) }},
}

var shardGauges = []struct {
	name, help string
	m          Metric
}{
	{"shardstorm_shard_record_tokens", "Level of the limiter's records bucket.", RecordTokens},
	{"shardstorm_shard_record_capacity", "Capacity of the limiter's records bucket.", RecordCapacity},
	{"shardstorm_shard_byte_tokens", "Level of the limiter's bytes bucket.", ByteTokens},
	{"shardstorm_shard_byte_capacity", "Capacity of the limiter's bytes bucket.", ByteCapacity},
	{"shardstorm_shard_rate_percent", "The adaptive limiter's rate, % of the shard limits.", RatePercent},
	{"shardstorm_shard_buffered_records", "User records in aggregator, limiter and collector.", BufferedRecords},
	{"shardstorm_shard_buffered_bytes", "Bytes of the user records buffered.", BufferedBytes},
	{"shardstorm_shard_in_flight_records", "User records in requests awaiting an answer.", InFlightRecords},
	{"shardstorm_shard_in_flight_bytes", "Bytes of the user records in flight.", InFlightBytes},
}

func (p *promWriter) shards(snap *Snapshot) {
	if len(snap.Shards) != len(snap.Producer.Shards) {
		return // not a snapshot the sampler made
	}
	if snap.shardOffers {
		p.family("shardstorm_shard_offered_records_total", "counter", "User records routed to the shard.")
		for i := range snap.Shards {
			p.sample("shardstorm_shard_offered_records_total", snap.Shards[i].ShardID, "", "", float64(snap.Shards[i].OfferedRecords))
		}
		p.family("shardstorm_shard_offered_bytes_total", "counter", "Bytes of the user records routed to the shard.")
		for i := range snap.Shards {
			p.sample("shardstorm_shard_offered_bytes_total", snap.Shards[i].ShardID, "", "", float64(snap.Shards[i].OfferedBytes))
		}
	}
	for _, c := range shardCounters {
		p.family(c.name, "counter", c.help)
		for i := range snap.Shards {
			p.sample(c.name, snap.Shards[i].ShardID, "", "", c.get(snap, i))
		}
	}
	p.family("shardstorm_shard_errors_total", "counter", "Failed attempts by error code.")
	for i := range snap.Producer.Shards {
		ss := &snap.Producer.Shards[i]
		for _, code := range sortedKeys(ss.ErrorsByCode) {
			p.sample("shardstorm_shard_errors_total", ss.ShardID, "code", code, float64(ss.ErrorsByCode[code]))
		}
	}
	for _, g := range shardGauges {
		p.family(g.name, "gauge", g.help)
		for i := range snap.Shards {
			p.sample(g.name, snap.Shards[i].ShardID, "", "", snap.Shards[i].v[g.m])
		}
	}
}
