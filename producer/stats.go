package producer

import (
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// streamCounters are the producer-wide counters; atomics, so the hot path takes no lock.
type streamCounters struct {
	received, userPut, userBytesPut    atomic.Int64
	kinesisPut, kinesisBytes           atomic.Int64
	requests, requestRecords           atomic.Int64
	requestsInFlight                   atomic.Int64
	retries, retriesOfPut              atomic.Int64
	expired, failed, wrongShardResends atomic.Int64
	// failed records by Outcome, and acknowledged ones an earlier attempt may also have stored
	maybeStored, notStored, neverSent atomic.Int64
	ackedMaybeDuplicated              atomic.Int64
	mapChanges                        atomic.Int64
	mapErr                            mapErrorState
}

// countOutcome counts a failed record by its outcome.
func (c *streamCounters) countOutcome(o Outcome) {
	switch o {
	case MaybeStored:
		c.maybeStored.Add(1)
	case NotStored:
		c.notStored.Add(1)
	case NeverSent:
		c.neverSent.Add(1)
	}
}

func (c *streamCounters) setMapError(err error) {
	c.mapErr.mu.Lock()
	defer c.mapErr.mu.Unlock()
	c.mapErr.err = ""
	if err != nil {
		c.mapErr.err = err.Error()
	}
}

// errorCounts counts failed attempts by error code.
type errorCounts struct {
	mu sync.Mutex
	m  map[string]int64
}

func (e *errorCounts) add(code string) {
	e.mu.Lock()
	if e.m == nil {
		e.m = map[string]int64{}
	}
	e.m[code]++
	e.mu.Unlock()
}

func (e *errorCounts) snapshot(into map[string]int64) {
	e.mu.Lock()
	for k, v := range e.m {
		into[k] += v
	}
	e.mu.Unlock()
}

// histograms are HDR histograms of latencies in microseconds, from 1 µs to 1 hour at 3
// significant digits, as their counts (see hdrCounts).
type histograms struct {
	mu                           sync.Mutex
	buffering, request, endToEnd hdrCounts
	epoch                        time.Time // the producer's, which user records' times count from
}

func (h *histograms) init(epoch time.Time) {
	h.epoch = epoch
	h.buffering, h.request, h.endToEnd = newHDRCounts(), newHDRCounts(), newHDRCounts()
}

// recordRequest records one request's round trip.
func (h *histograms) recordRequest(dur time.Duration) {
	h.mu.Lock()
	h.request.add(dur)
	h.mu.Unlock()
}

// recordBuffering records, for each of users, the time it waited before the request that sent
// it started: for the records whose request or entry failed (recordDelivered counts the
// delivered ones' with their end-to-end time, in the same pass).
func (h *histograms) recordBuffering(users []userRecord, start time.Time) {
	at := nanotime(start.Sub(h.epoch))
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range users {
		h.buffering.add(time.Duration(at - users[i].arrival))
	}
}

// recordDelivered records the end-to-end time of the user records of one Kinesis record, and
// counts them in buckets too (for the shard's latencies: one pass over the records, and an
// atomic add per bucket used instead of one per record). sent is when the request that
// delivered them started, for their buffering time; zero when that was counted already (an
// aggregate delivered after waiting for a shard map, see wrongshard.go).
func (h *histograms) recordDelivered(users []userRecord, sent, now time.Time, buckets *LatencyCounts) {
	at := nanotime(now.Sub(h.epoch))
	inBuckets := newBucketRun(buckets, at)
	h.mu.Lock()
	defer h.mu.Unlock()
	buffering, endToEnd := h.buffering, h.endToEnd
	sentAt, buffered := nanotime(sent.Sub(h.epoch)), !sent.IsZero()
	for i := range users {
		a := users[i].arrival
		if buffered {
			buffering.add(time.Duration(sentAt - a))
		}
		endToEnd.add(time.Duration(at - a))
		if !inBuckets.joins(a) {
			inBuckets.start(a)
		}
	}
	inBuckets.flush()
}

// Stats is a snapshot of the producer for dashboards: cheap to take (counters are atomics; each
// shard's lock is held only to read its buckets) and safe to keep.
type Stats struct {
	Time   time.Time
	Stream StreamStats
	Shards []ShardStats // the shards of the current map, in hash key order
}

// StreamStats are producer-wide totals since New.
type StreamStats struct {
	UserRecordsReceived int64 // accepted by Put
	UserRecordsPending  int64 // accepted, not yet resolved
	UserBytesPending    int64
	UserRecordsPut      int64
	UserBytesPut        int64 // data + partition key
	KinesisRecordsPut   int64
	KinesisBytesPut     int64 // data + partition key of the Kinesis records
	Requests            int64 // PutRecords requests completed
	RequestRecords      int64 // Kinesis records in those requests
	RequestsInFlight    int64
	Retries             int64 // re-buffered attempts
	RetriesOfPutRecords int64 // retries of the records that eventually succeeded
	Failed              int64 // user records resolved with an error
	Expired             int64 // of which ErrExpired
	// Failed by Outcome: FailedMaybeStored + FailedNotStored + FailedNeverSent = Failed.
	FailedMaybeStored int64 // an attempt got no answer: the stream may hold them
	FailedNotStored   int64 // every attempt answered with an error (or never reached the service)
	FailedNeverSent   int64 // failed before any attempt (expired in the buffer, closed)
	// AckedMaybeDuplicated counts acknowledged records an earlier, unanswered (or wrong-shard)
	// attempt may also have stored: possible duplicates.
	AckedMaybeDuplicated int64
	WrongShardResends    int64 // user records re-sent because their aggregate landed on an unexpected shard
	ErrorsByCode         map[string]int64
	ShardMapAge          time.Duration
	ShardMapError        string // the last refresh failure, "" once a refresh succeeds
	ShardMapChanges      int64
	MaxConnections       int
	RateLimit            float64
	AggregationEnabled   bool
	AdaptiveEnabled      bool
	// The settings a diagnosis weighs figures against (the current ones, after Reconfigure).
	RecordTtl             time.Duration
	RecordMaxBufferedTime time.Duration
	MaxBufferedRecords    int
	MaxBufferedBytes      int64
	AggregationMaxSize    int
	BufferingTime         *hdrhistogram.Histogram // arrival → request start, µs, per user record
	RequestTime           *hdrhistogram.Histogram // PutRecords round trip, µs, per request
	EndToEndTime          *hdrhistogram.Histogram // arrival → success, µs, per user record
}

// ShardStats are one shard's figures. Buffered counts are user records and their bytes.
type ShardStats struct {
	ShardID                            string
	StartingHashKey, EndingHashKey     string
	RecordTokens, RecordCapacity       float64 // the limiter's records bucket
	ByteTokens, ByteCapacity           float64 // the limiter's bytes bucket
	RatePercent                        float64 // current rate, % of the shard limits (adaptive)
	AggregatorRecords, AggregatorBytes int64
	LimiterRecords, LimiterBytes       int64
	CollectorRecords, CollectorBytes   int64
	InFlightRecords, InFlightBytes     int64
	UserRecordsPut, UserBytesPut       int64
	KinesisRecordsPut, KinesisBytesPut int64
	Throttles                          int64 // Kinesis records refused with ProvisionedThroughputExceededException
	ThrottledBytes                     int64 // their data + partition key bytes
	Retries                            int64
	Failed, Expired                    int64
	WrongShard                         int64
	// BacklogRefused counts Put attempts refused (TryPut) or held (Put) because the shard
	// already held more than it can deliver within RecordTtl.
	BacklogRefused int64
	ErrorsByCode   map[string]int64
	// EndToEnd counts the shard's user records by end-to-end latency (arrival → success).
	EndToEnd LatencyCounts
}

// BufferedRecords is what the shard holds before the service answers.
func (s ShardStats) BufferedRecords() int64 {
	return s.AggregatorRecords + s.LimiterRecords + s.CollectorRecords
}

// BufferedBytes is the same in bytes.
func (s ShardStats) BufferedBytes() int64 {
	return s.AggregatorBytes + s.LimiterBytes + s.CollectorBytes
}

// Stats takes a snapshot.
func (p *Producer) Stats() Stats {
	now := time.Now()
	cfg := p.cfg.Load()
	c := &p.stats
	st := Stats{Time: now, Stream: StreamStats{
		UserRecordsReceived: c.received.Load(),
		UserRecordsPending:  p.gate.records.Load(),
		UserBytesPending:    p.gate.bytes.Load(),
		UserRecordsPut:      c.userPut.Load(), UserBytesPut: c.userBytesPut.Load(),
		KinesisRecordsPut: c.kinesisPut.Load(), KinesisBytesPut: c.kinesisBytes.Load(),
		Requests: c.requests.Load(), RequestRecords: c.requestRecords.Load(),
		RequestsInFlight: c.requestsInFlight.Load(),
		Retries:          c.retries.Load(), RetriesOfPutRecords: c.retriesOfPut.Load(),
		Failed: c.failed.Load(), Expired: c.expired.Load(), WrongShardResends: c.wrongShardResends.Load(),
		FailedMaybeStored: c.maybeStored.Load(), FailedNotStored: c.notStored.Load(), FailedNeverSent: c.neverSent.Load(),
		AckedMaybeDuplicated: c.ackedMaybeDuplicated.Load(),
		ErrorsByCode:         map[string]int64{},
		ShardMapChanges:      c.mapChanges.Load(),
		MaxConnections:       cfg.MaxConnections, RateLimit: cfg.RateLimit,
		AggregationEnabled: !cfg.DisableAggregation, AdaptiveEnabled: !cfg.DisableAdaptive,
		RecordTtl: cfg.RecordTtl, RecordMaxBufferedTime: cfg.RecordMaxBufferedTime,
		MaxBufferedRecords: cfg.MaxBufferedRecords, MaxBufferedBytes: cfg.MaxBufferedBytes,
		AggregationMaxSize: cfg.AggregationMaxSize,
	}}
	m := p.smap.Load()
	st.Stream.ShardMapAge = now.Sub(m.loadedAt)
	c.mapErr.mu.Lock()
	st.Stream.ShardMapError = c.mapErr.err
	c.mapErr.mu.Unlock()
	if len(m.states) > 0 { // 10,000 shards: growing the slice would copy megabytes (none: nil, as before)
		st.Shards = make([]ShardStats, 0, len(m.states))
	}
	for _, s := range m.states {
		ss := ShardStats{
			ShardID: s.id, StartingHashKey: s.startText, EndingHashKey: s.endText,
			LimiterRecords: s.c.limRecords.Load(), LimiterBytes: s.c.limBytes.Load(),
			CollectorRecords: s.c.colRecords.Load(), CollectorBytes: s.c.colBytes.Load(),
			InFlightRecords: s.c.flightRecords.Load(), InFlightBytes: s.c.flightBytes.Load(),
			UserRecordsPut: s.c.userPut.Load(), UserBytesPut: s.c.userBytesPut.Load(),
			KinesisRecordsPut: s.c.kinesisPut.Load(), KinesisBytesPut: s.c.kinesisBytes.Load(),
			Throttles: s.c.throttles.Load(), ThrottledBytes: s.c.throttledBytes.Load(), Retries: s.c.retries.Load(),
			Failed: s.c.failed.Load(), Expired: s.c.expired.Load(), WrongShard: s.c.wrongShard.Load(), BacklogRefused: s.c.backlogRefused.Load(),
			ErrorsByCode: map[string]int64{}, EndToEnd: s.c.endToEnd.snapshot(),
		}
		s.c.errors.snapshot(ss.ErrorsByCode)
		s.c.errors.snapshot(st.Stream.ErrorsByCode)
		s.mu.Lock()
		s.recBucket.refill(now)
		s.byteBucket.refill(now)
		ss.RecordTokens, ss.RecordCapacity = s.recBucket.level, s.recBucket.capacity
		ss.ByteTokens, ss.ByteCapacity = s.byteBucket.level, s.byteBucket.capacity
		ss.RatePercent = s.ratePct
		ss.AggregatorRecords, ss.AggregatorBytes = int64(len(s.aggUsers)), s.aggBytes // exact, under the lock (see publishAggLocked)
		s.mu.Unlock()
		st.Shards = append(st.Shards, ss)
	}
	p.hist.mu.Lock()
	st.Stream.BufferingTime = p.hist.buffering.histogram()
	st.Stream.RequestTime = p.hist.request.histogram()
	st.Stream.EndToEndTime = p.hist.endToEnd.histogram()
	p.hist.mu.Unlock()
	return st
}

// KPLMetrics derives the KPL's metrics (its names) from the snapshot, cumulative since New;
// latencies in milliseconds (mean). ErrorsByCode entries come as "ErrorsByCode.<code>".
func (s Stats) KPLMetrics() map[string]float64 {
	t := s.Stream
	div := func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	var all int64
	m := map[string]float64{
		"UserRecordsReceived":                float64(t.UserRecordsReceived),
		"UserRecordsPending":                 float64(t.UserRecordsPending),
		"UserRecordsPut":                     float64(t.UserRecordsPut),
		"UserRecordsDataPut":                 float64(t.UserBytesPut),
		"KinesisRecordsPut":                  float64(t.KinesisRecordsPut),
		"KinesisRecordsDataPut":              float64(t.KinesisBytesPut),
		"UserRecordExpired":                  float64(t.Expired),
		"RetriesPerRecord":                   div(t.RetriesOfPutRecords, t.UserRecordsPut),
		"BufferingTime":                      t.BufferingTime.Mean() / 1000,
		"RequestTime":                        t.RequestTime.Mean() / 1000,
		"UserRecordsPerKinesisRecord":        div(t.UserRecordsPut, t.KinesisRecordsPut),
		"KinesisRecordsPerPutRecordsRequest": div(t.RequestRecords, t.Requests),
		"UserRecordsPerPutRecordsRequest":    div(t.UserRecordsPut, t.Requests),
	}
	for code, n := range t.ErrorsByCode {
		m["ErrorsByCode."+code] = float64(n)
		all += n
	}
	m["AllErrors"] = float64(all)
	return m
}
