package main

import (
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/producer"
)

// tally counts how a contender's records resolved, from any goroutine: atomics for the counts,
// one lock around the latency histogram (taken once per request, not per record, where the
// contender resolves records in batches).
type tally struct {
	delivered, deliveredBytes, failed, expired, pending atomic.Int64
	// pendingInFlight counts the pending records whose request was abandoned in flight.
	pendingInFlight atomic.Int64
	// failedMaybeStored and ackedMaybeDup count the records whose request went unanswered (see
	// Buckets): the service may hold them without their acknowledgement.
	failedMaybeStored, ackedMaybeDup atomic.Int64
	lastErr                          atomic.Pointer[string]

	// offlineFrom and offlineTo bound a fleet's outage (zero without one): a record handed over
	// within it was buffered by an offline client. Set before the first record.
	offlineFrom, offlineTo time.Time
	offline                offlineCounts

	// cb is the result callback shared by the records handed over since cbStart (see
	// handOverAt); the generator's goroutine only.
	cb      func(producer.Result)
	cbStart time.Time

	mu sync.Mutex
	// acks is the run of acknowledged records not yet counted in the figures (see acknowledged).
	acks ackRun
	hist *hdrhistogram.Histogram // µs, 1 µs .. 1 h, 3 significant figures
	// histOnline and histOffline split hist by when the record was handed over (with an outage).
	histOnline, histOffline *hdrhistogram.Histogram
}

// offlineCounts is where the records handed over during an outage ended: each counted where it
// happened, so that put = delivered + failed + expired + pending checks the bookkeeping.
type offlineCounts struct {
	put, delivered, failed, expired, pending atomic.Int64
}

func newLatencyHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
}

func newTally() *tally {
	return &tally{hist: newLatencyHistogram(), histOnline: newLatencyHistogram(), histOffline: newLatencyHistogram()}
}

// isOffline reports whether a record handed over at start was handed to an offline client.
func (t *tally) isOffline(start time.Time) bool {
	return !t.offlineTo.IsZero() && !start.Before(t.offlineFrom) && start.Before(t.offlineTo)
}

// handedOver counts a record the contender took at start.
func (t *tally) handedOver(start time.Time) {
	if t.isOffline(start) {
		t.offline.put.Add(1)
	}
}

// ackRun is a run of acknowledged records carried by one Kinesis record (an aggregate's user
// records are resolved one after another, at one time): they share one acknowledgement time,
// read from the clock once, and are counted together. Their latencies are counted per sub-run of
// records that share a hand-over time too.
type ackRun struct {
	shard, seq string    // the Kinesis record's shard and sequence number
	at         time.Time // acknowledgement
	n, bytes   int64
	start      time.Time // hand-over time of the latest sub-run
	nStart     int64     // records in the latest sub-run
}

// acknowledged counts one acknowledged record of size bytes, handed over at start and carried by
// the Kinesis record seq of shard. A record of the same run as the one before is counted with
// it; the run's figures reach the counters and histograms when the next run starts (or at
// report).
func (t *tally) acknowledged(start time.Time, shard, seq string, size int64) {
	t.mu.Lock()
	r := &t.acks
	if r.n == 0 || seq == "" || r.seq != seq || r.shard != shard {
		t.flushAcks()
		*r = ackRun{shard: shard, seq: seq, at: time.Now(), start: start}
	}
	if !r.start.Equal(start) {
		t.countLatencies(r.start, r.nStart)
		r.start, r.nStart = start, 0
	}
	r.n++
	r.bytes += size
	r.nStart++
	t.mu.Unlock()
}

// settle counts the run of acknowledged records not yet counted, so the figures are complete.
func (t *tally) settle() {
	t.mu.Lock()
	t.flushAcks()
	t.mu.Unlock()
}

// flushAcks counts the run of acknowledged records. t.mu held.
func (t *tally) flushAcks() {
	r := &t.acks
	if r.n == 0 {
		return
	}
	t.countLatencies(r.start, r.nStart)
	t.delivered.Add(r.n)
	t.deliveredBytes.Add(r.bytes)
	*r = ackRun{}
}

// countLatencies counts n records of the current run handed over at start. t.mu held.
func (t *tally) countLatencies(start time.Time, n int64) {
	if n == 0 {
		return
	}
	us := clampMicros(t.hist, t.acks.at.Sub(start))
	_ = t.hist.RecordValues(us, n)
	switch {
	case t.offlineTo.IsZero():
	case t.isOffline(start):
		t.offline.delivered.Add(n)
		_ = t.histOffline.RecordValues(us, n)
	default:
		_ = t.histOnline.RecordValues(us, n)
	}
}

func clampMicros(h *hdrhistogram.Histogram, d time.Duration) int64 {
	return min(max(d.Microseconds(), 1), h.HighestTrackableValue())
}

func (t *tally) noteError(err error) {
	msg := err.Error()
	t.lastErr.Store(&msg)
}

// report fills the resolution buckets and the latency of r.
func (t *tally) report(r *childReport) error {
	t.settle()
	r.Delivered, r.DeliveredBytes = t.delivered.Load(), t.deliveredBytes.Load()
	r.Failed, r.Expired, r.PendingAtEnd = t.failed.Load(), t.expired.Load(), t.pending.Load()
	r.PendingInFlight = t.pendingInFlight.Load()
	r.FailedMaybeStored, r.AckedMaybeDuplicated = t.failedMaybeStored.Load(), t.ackedMaybeDup.Load()
	if p := t.lastErr.Load(); p != nil {
		r.LastError = *p
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	enc, err := t.hist.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	r.Latency = string(enc)
	return err
}

// reportOffline fills the outage's figures of r.
func (t *tally) reportOffline(r *childFleetReport) error {
	t.settle()
	o := &t.offline
	r.OfflinePut, r.OfflineDelivered, r.OfflineFailed = o.put.Load(), o.delivered.Load(), o.failed.Load()
	r.OfflineExpired, r.OfflinePending = o.expired.Load(), o.pending.Load()
	t.mu.Lock()
	defer t.mu.Unlock()
	on, err := t.histOnline.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return err
	}
	off, err := t.histOffline.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	r.LatencyOnline, r.LatencyOffline = string(on), string(off)
	return err
}
