package fleet

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/producer"
)

// counters are the fleet's figures: atomics on the hot path, one lock for the histograms and
// the per-shard figures (taken once per request, and once per resolved record).
type counters struct {
	received, pending, inFlight               atomic.Int64
	userPut, bytesPut                         atomic.Int64
	requests, requestRecords, retries         atomic.Int64
	failedAll, expired                        atomic.Int64
	maybeStored, notStored, neverSent, ackDup atomic.Int64

	mu                           sync.Mutex
	buffering, request, endToEnd *hdrhistogram.Histogram
	errors                       map[string]int64
	shards                       map[string]*shardFigures
}

// shardFigures are one shard's figures, keyed by the shard id the service answered (the fleet
// predicts no shards: a record that failed before any answer named its shard counts nowhere).
type shardFigures struct {
	put, bytes, throttles, throttledBytes int64
	errors                                map[string]int64
	endToEnd                              producer.LatencyCounts
}

func newHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
}

func (c *counters) init() {
	c.buffering, c.request, c.endToEnd = newHistogram(), newHistogram(), newHistogram()
	c.errors, c.shards = map[string]int64{}, map[string]*shardFigures{}
}

func micros(h *hdrhistogram.Histogram, d time.Duration) {
	_ = h.RecordValue(min(max(d.Microseconds(), 1), h.HighestTrackableValue())) // clamped: cannot fail
}

func (c *counters) shard(id string) *shardFigures {
	s := c.shards[id]
	if s == nil {
		s = &shardFigures{errors: map[string]int64{}}
		c.shards[id] = s
	}
	return s
}

// sent records, for each record of a request about to start, how long it waited for it.
func (c *counters) sent(batch []*item, now time.Time) {
	c.mu.Lock()
	for _, it := range batch {
		micros(c.buffering, now.Sub(it.arrival))
	}
	c.mu.Unlock()
}

func (c *counters) requestDone(records int, dur time.Duration) {
	c.requests.Add(1)
	c.requestRecords.Add(int64(records))
	c.mu.Lock()
	micros(c.request, dur)
	c.mu.Unlock()
}

// entryFailed counts one record's failed attempt by its code, and on the shard the error's
// message names, if any.
func (c *counters) entryFailed(a answer, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errors[a.code]++
	id := shardInMessage(a.message)
	if id == "" {
		return
	}
	s := c.shard(id)
	s.errors[a.code]++
	if a.code == codeThrottled {
		s.throttles++
		s.throttledBytes += size
	}
}

// shardInMessage finds the shard a Kinesis error message names ("Rate exceeded for shard
// shardId-000000000001 in stream ...").
func shardInMessage(msg string) string {
	_, rest, ok := strings.Cut(msg, "for shard ")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, " ")
	return id
}

func (c *counters) acknowledged(it *item, shardID string, maybeDup bool, now time.Time) {
	c.userPut.Add(1)
	c.bytesPut.Add(it.size)
	if maybeDup {
		c.ackDup.Add(1)
	}
	e2e := now.Sub(it.arrival)
	c.mu.Lock()
	micros(c.endToEnd, e2e)
	s := c.shard(shardID)
	s.put++
	s.bytes += it.size
	s.endToEnd.Record(e2e)
	c.mu.Unlock()
}

func (c *counters) failed(o producer.Outcome, kind error) {
	c.failedAll.Add(1)
	if errors.Is(kind, producer.ErrExpired) {
		c.expired.Add(1)
	}
	switch o {
	case producer.MaybeStored:
		c.maybeStored.Add(1)
	case producer.NotStored:
		c.notStored.Add(1)
	case producer.NeverSent:
		c.neverSent.Add(1)
	}
}

// Stats is what producer.Stats can say of the fleet: user records are Kinesis records (no
// aggregation); the engine-only fields (limiter, aggregation, shard map) stay zero. Shards are
// those the service named in its answers, by shard id.
func (f *Fleet) Stats() producer.Stats {
	c := &f.st
	st := producer.Stats{Time: time.Now(), Stream: producer.StreamStats{
		UserRecordsReceived: c.received.Load(), UserRecordsPending: c.pending.Load(),
		UserRecordsPut: c.userPut.Load(), UserBytesPut: c.bytesPut.Load(),
		KinesisRecordsPut: c.userPut.Load(), KinesisBytesPut: c.bytesPut.Load(),
		Requests: c.requests.Load(), RequestRecords: c.requestRecords.Load(),
		RequestsInFlight: c.inFlight.Load(), Retries: c.retries.Load(),
		Failed: c.failedAll.Load(), Expired: c.expired.Load(),
		FailedMaybeStored: c.maybeStored.Load(), FailedNotStored: c.notStored.Load(), FailedNeverSent: c.neverSent.Load(),
		AckedMaybeDuplicated: c.ackDup.Load(),
		ErrorsByCode:         map[string]int64{},
		MaxConnections:       f.cfg.Clients * f.cfg.Threads,
		RecordTtl:            f.cfg.RecordTtl, RecordMaxBufferedTime: f.cfg.Interval,
		MaxBufferedRecords: f.cfg.Clients * f.cfg.Buffer,
	}}
	c.mu.Lock()
	defer c.mu.Unlock()
	for code, n := range c.errors {
		st.Stream.ErrorsByCode[code] = n
	}
	st.Stream.BufferingTime = hdrhistogram.Import(c.buffering.Export())
	st.Stream.RequestTime = hdrhistogram.Import(c.request.Export())
	st.Stream.EndToEndTime = hdrhistogram.Import(c.endToEnd.Export())
	for id, s := range c.shards {
		ss := producer.ShardStats{ShardID: id, UserRecordsPut: s.put, UserBytesPut: s.bytes,
			KinesisRecordsPut: s.put, KinesisBytesPut: s.bytes, Throttles: s.throttles, ThrottledBytes: s.throttledBytes,
			ErrorsByCode: map[string]int64{}, EndToEnd: s.endToEnd}
		for code, n := range s.errors {
			ss.ErrorsByCode[code] = n
		}
		st.Shards = append(st.Shards, ss)
	}
	sort.Slice(st.Shards, func(i, j int) bool { return st.Shards[i].ShardID < st.Shards[j].ShardID })
	return st
}

// ClientStats is what the fleet's clients are doing.
type ClientStats struct {
	Clients    int
	Online     int
	Offline    int
	Buffering  int   // clients holding records not yet sent
	Buffered   int64 // the records they hold
	Reconnects int64 // offline→online transitions since the start, all clients
	InFlight   int   // requests in flight
}

// Clients takes a snapshot of the clients: O(clients), for a dashboard's once-a-second poll.
func (f *Fleet) Clients() ClientStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	elapsed := time.Since(f.start)
	n := len(f.clients)
	cs := ClientStats{Clients: n, InFlight: f.inFlight}
	for i := range f.clients {
		if on, _ := f.cfg.Connectivity.online(i, n, elapsed); on {
			cs.Online++
		}
		cs.Reconnects += f.cfg.Connectivity.reconnects(i, n, elapsed)
		if b := len(f.clients[i].buf); b > 0 {
			cs.Buffering++
			cs.Buffered += int64(b)
		}
	}
	cs.Offline = n - cs.Online
	return cs
}
