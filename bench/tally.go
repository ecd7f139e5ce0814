package main

import (
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// tally counts how a contender's records resolved, from any goroutine: atomics for the counts,
// one lock around the latency histogram (taken once per request, not per record, where the
// contender resolves records in batches).
type tally struct {
	delivered, deliveredBytes, failed, expired, pending atomic.Int64
	// pendingInFlight counts the pending records whose request was abandoned in flight.
	pendingInFlight atomic.Int64
	lastErr         atomic.Pointer[string]

	mu   sync.Mutex
	hist *hdrhistogram.Histogram // µs, 1 µs .. 1 h, 3 significant figures
}

func newTally() *tally {
	return &tally{hist: hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)}
}

// pendingRecord is a record waiting in a contender, with the time the generator handed it over:
// its end-to-end latency starts there.
type pendingRecord struct {
	key   string
	data  []byte
	start time.Time
}

func (r pendingRecord) size() int64 { return int64(len(r.data) + len(r.key)) }

// succeed counts recs as acknowledged at now.
func (t *tally) succeed(now time.Time, recs ...pendingRecord) {
	var size int64
	t.mu.Lock()
	for _, r := range recs {
		size += r.size()
		_ = t.hist.RecordValue(clampMicros(t.hist, now.Sub(r.start)))
	}
	t.mu.Unlock()
	t.delivered.Add(int64(len(recs)))
	t.deliveredBytes.Add(size)
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
	r.Delivered, r.DeliveredBytes = t.delivered.Load(), t.deliveredBytes.Load()
	r.Failed, r.Expired, r.PendingAtEnd = t.failed.Load(), t.expired.Load(), t.pending.Load()
	r.PendingInFlight = t.pendingInFlight.Load()
	if p := t.lastErr.Load(); p != nil {
		r.LastError = *p
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	enc, err := t.hist.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	r.Latency = string(enc)
	return err
}
