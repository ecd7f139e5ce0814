package metrics

import "strings"

// Metric names one series. Every series exists per stream (shard "") and, where the producer
// counts it per shard, per shard too; Metric.PerShard says which. Rates are per second over the
// actual time between two samples; levels are the value at the sample; latencies are
// percentiles of the records resolved in the interval since the previous sample.
//
// Series names (what Store.Series takes), units and sources:
//
//	offered_records          records/s  stream: the generator's emitted records (else an OfferCounter, else the producer's UserRecordsReceived); shard: OfferCounter only
//	offered_bytes            bytes/s    the same in data + partition key bytes (no producer fallback: the producer does not count received bytes)
//	scheduled_records        records/s  stream, workload: records whose scheduled time came
//	dropped_records          records/s  stream, workload: records never sent (behind schedule, or refused by a full buffer)
//	late_records             records/s  stream, workload: records handed over late
//	target_rate              records/s  stream, workload: the rate the shape asks for now
//	workload_lag_ms          ms         stream, workload: how far behind schedule the latest record was
//	user_records_put         records/s  user records acknowledged by Kinesis
//	user_bytes_put           bytes/s    their data + partition key bytes
//	put_records              records/s  Kinesis records acknowledged (aggregates count once): what the shard limit counts
//	put_bytes                bytes/s    their data + partition key bytes
//	put_records_pct          %          put_records / records limit (1000/s per shard; stream: open shards × 1000/s)
//	put_bytes_pct            %          put_bytes / bytes limit (1 MiB/s per shard; stream: open shards × 1 MiB/s)
//	throttled_records        records/s  Kinesis records refused with ProvisionedThroughputExceededException
//	throttled_records_pct    %          throttled_records / records limit
//	throttled_bytes          bytes/s    their data + partition key bytes
//	throttled_bytes_pct      %          throttled_bytes / bytes limit
//	throttled_fraction       ratio      throttled / (throttled + put) Kinesis records in the interval
//	record_tokens            records    the producer limiter's records bucket level (stream: sum over open shards)
//	record_capacity          records    that bucket's capacity (stream: sum)
//	byte_tokens              bytes      the limiter's bytes bucket level (stream: sum)
//	byte_capacity            bytes      that bucket's capacity (stream: sum)
//	rate_percent             %          the adaptive limiter's current rate, % of the shard limits (stream: mean over open shards)
//	buffered_records         records    user records in aggregator + limiter + collector (stream: sum over open shards)
//	buffered_bytes           bytes      their bytes
//	in_flight_records        records    user records in PutRecords requests awaiting an answer
//	in_flight_bytes          bytes      their bytes
//	pending_records          records    stream: user records accepted and not yet resolved (all stages)
//	pending_bytes            bytes      stream: their bytes
//	requests_in_flight       requests   stream: PutRecords requests awaiting an answer
//	retries                  records/s  user records re-buffered after a failed attempt
//	failed                   records/s  user records resolved with an error (expired ones included)
//	expired                  records/s  user records resolved with ErrExpired (RecordTtl passed)
//	maybe_stored             records/s  stream: failed records an attempt of which got no answer (the stream may hold them)
//	not_stored               records/s  stream: failed records every attempt of which was answered with an error
//	never_sent               records/s  stream: failed records never sent (expired in the buffer, closed, refused by the sink)
//	possible_duplicates      records/s  stream: acknowledged records an earlier, unanswered attempt may have stored too
//	user_records_per_kinesis_record  ratio  aggregation ratio in the interval
//	kinesis_records_per_request      ratio  stream: Kinesis records per PutRecords request in the interval
//	open_shards              shards     stream: shards in the producer's current shard map
//	buffering_ms_p50 … _p90, _p99, _max      ms  stream: arrival → request start, per user record
//	request_ms_p50 … _p90, _p99, _max        ms  stream: PutRecords round trip, per request
//	end_to_end_ms_p50 … _p90, _p99, _max     ms  stream: arrival → success, per user record
//	                                         end_to_end_ms_p99 also per shard, from coarse buckets (±15%)
//	                                         a fleet's: put call → result, what the application waits
//	clients_online           clients    stream, fleet: clients with a network
//	clients_offline          clients    stream, fleet: clients without one
//	clients_buffering        clients    stream, fleet: clients holding records they could not send
//	clients_buffered_records records    stream, fleet: the records those clients hold
//	reconnects               clients/s  stream, fleet: clients getting their network back (the burst after an outage)
//	errors.<CODE>            attempts/s failed attempts by error code (e.g. errors.ProvisionedThroughputExceededException,
//	                                    errors.InternalFailure, errors.Timeout); stream and shard
type Metric uint8

// The metrics, in the order exports list them.
const (
	OfferedRecords Metric = iota
	OfferedBytes
	ScheduledRecords
	DroppedRecords
	LateRecords
	TargetRate
	WorkloadLagMs
	UserRecordsPut
	UserBytesPut
	PutRecords
	PutBytes
	PutRecordsPct
	PutBytesPct
	ThrottledRecords
	ThrottledRecordsPct
	ThrottledBytes
	ThrottledBytesPct
	ThrottledFraction
	RecordTokens
	RecordCapacity
	ByteTokens
	ByteCapacity
	RatePercent
	BufferedRecords
	BufferedBytes
	InFlightRecords
	InFlightBytes
	PendingRecords
	PendingBytes
	RequestsInFlight
	Retries
	Failed
	Expired
	MaybeStored
	NotStored
	NeverSent
	PossibleDuplicates
	AggregationRatio
	RecordsPerRequest
	OpenShards
	BufferingP50
	BufferingP90
	BufferingP99
	BufferingMax
	RequestP50
	RequestP90
	RequestP99
	RequestMax
	EndToEndP50
	EndToEndP90
	EndToEndP99
	EndToEndMax
	ClientsOnline
	ClientsOffline
	ClientsBuffering
	ClientsBufferedRecords
	ReconnectsPerSec

	numMetrics
)

// ErrorSeriesPrefix starts the names of the failed-attempts-by-code series: "errors.<CODE>".
const ErrorSeriesPrefix = "errors."

type metricInfo struct {
	name     string
	unit     string
	perShard bool
	workload bool // needs a workload source (or, for offered_*, an offer source)
}

var metricTable = [numMetrics]metricInfo{
	OfferedRecords:      {"offered_records", "records/s", true, false},
	OfferedBytes:        {"offered_bytes", "bytes/s", true, false},
	ScheduledRecords:    {"scheduled_records", "records/s", false, true},
	DroppedRecords:      {"dropped_records", "records/s", false, true},
	LateRecords:         {"late_records", "records/s", false, true},
	TargetRate:          {"target_rate", "records/s", false, true},
	WorkloadLagMs:       {"workload_lag_ms", "ms", false, true},
	UserRecordsPut:      {"user_records_put", "records/s", true, false},
	UserBytesPut:        {"user_bytes_put", "bytes/s", true, false},
	PutRecords:          {"put_records", "records/s", true, false},
	PutBytes:            {"put_bytes", "bytes/s", true, false},
	PutRecordsPct:       {"put_records_pct", "%", true, false},
	PutBytesPct:         {"put_bytes_pct", "%", true, false},
	ThrottledRecords:    {"throttled_records", "records/s", true, false},
	ThrottledRecordsPct: {"throttled_records_pct", "%", true, false},
	ThrottledBytes:      {"throttled_bytes", "bytes/s", true, false},
	ThrottledBytesPct:   {"throttled_bytes_pct", "%", true, false},
	ThrottledFraction:   {"throttled_fraction", "ratio", true, false},
	RecordTokens:        {"record_tokens", "records", true, false},
	RecordCapacity:      {"record_capacity", "records", true, false},
	ByteTokens:          {"byte_tokens", "bytes", true, false},
	ByteCapacity:        {"byte_capacity", "bytes", true, false},
	RatePercent:         {"rate_percent", "%", true, false},
	BufferedRecords:     {"buffered_records", "records", true, false},
	BufferedBytes:       {"buffered_bytes", "bytes", true, false},
	InFlightRecords:     {"in_flight_records", "records", true, false},
	InFlightBytes:       {"in_flight_bytes", "bytes", true, false},
	PendingRecords:      {"pending_records", "records", false, false},
	PendingBytes:        {"pending_bytes", "bytes", false, false},
	RequestsInFlight:    {"requests_in_flight", "requests", false, false},
	Retries:             {"retries", "records/s", true, false},
	Failed:              {"failed", "records/s", true, false},
	Expired:             {"expired", "records/s", true, false},
	MaybeStored:         {"maybe_stored", "records/s", false, false},
	NotStored:           {"not_stored", "records/s", false, false},
	NeverSent:           {"never_sent", "records/s", false, false},
	PossibleDuplicates:  {"possible_duplicates", "records/s", false, false},
	AggregationRatio:    {"user_records_per_kinesis_record", "ratio", true, false},
	RecordsPerRequest:   {"kinesis_records_per_request", "ratio", false, false},
	OpenShards:          {"open_shards", "shards", false, false},
	BufferingP50:        {"buffering_ms_p50", "ms", false, false},
	BufferingP90:        {"buffering_ms_p90", "ms", false, false},
	BufferingP99:        {"buffering_ms_p99", "ms", false, false},
	BufferingMax:        {"buffering_ms_max", "ms", false, false},
	RequestP50:          {"request_ms_p50", "ms", false, false},
	RequestP90:          {"request_ms_p90", "ms", false, false},
	RequestP99:          {"request_ms_p99", "ms", false, false},
	RequestMax:          {"request_ms_max", "ms", false, false},
	EndToEndP50:         {"end_to_end_ms_p50", "ms", false, false},
	EndToEndP90:         {"end_to_end_ms_p90", "ms", false, false},
	EndToEndP99:         {"end_to_end_ms_p99", "ms", true, false}, // per shard too, to ±15% (producer.LatencyCounts)
	EndToEndMax:         {"end_to_end_ms_max", "ms", false, false},
	// A fleet's clients (Config.Fleet only).
	ClientsOnline:          {"clients_online", "clients", false, false},
	ClientsOffline:         {"clients_offline", "clients", false, false},
	ClientsBuffering:       {"clients_buffering", "clients", false, false},
	ClientsBufferedRecords: {"clients_buffered_records", "records", false, false},
	ReconnectsPerSec:       {"reconnects", "clients/s", false, false},
}

var metricByName = func() map[string]Metric {
	m := make(map[string]Metric, numMetrics)
	for i, info := range metricTable {
		m[info.name] = Metric(i)
	}
	return m
}()

// String is the series name.
func (m Metric) String() string {
	if m >= numMetrics {
		return "unknown"
	}
	return metricTable[m].name
}

// Unit is the series' unit: records/s, bytes/s, %, ratio, records, bytes, requests, shards or ms.
func (m Metric) Unit() string { return metricTable[m].unit }

// PerShard reports whether the series also exists per shard.
func (m Metric) PerShard() bool { return metricTable[m].perShard }

// Metrics lists every metric in export order.
func Metrics() []Metric {
	out := make([]Metric, numMetrics)
	for i := range out {
		out[i] = Metric(i)
	}
	return out
}

// ParseSeriesName splits a series name into its metric, or the error code of an errors.<CODE>
// series; ok is false for unknown names.
func ParseSeriesName(name string) (m Metric, code string, ok bool) {
	if c, found := strings.CutPrefix(name, ErrorSeriesPrefix); found && c != "" {
		return numMetrics, c, true
	}
	m, ok = metricByName[name]
	return m, "", ok
}
