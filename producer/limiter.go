package producer

import (
	"math"
	"time"
)

// tokenBucket is one of a shard's two limiter buckets (records, bytes). It holds one second of
// its rate and refills continuously.
type tokenBucket struct {
	level, capacity, rate float64
	last                  time.Time
}

func newTokenBucket(ratePerSec float64, now time.Time) tokenBucket {
	return tokenBucket{level: ratePerSec, capacity: ratePerSec, rate: ratePerSec, last: now}
}

func (b *tokenBucket) refill(now time.Time) {
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.level = math.Min(b.capacity, b.level+dt*b.rate)
		b.last = now
	}
}

// allows reports whether n tokens may be taken. A full bucket lets anything through (and goes
// into debt), so a record larger than one second of a low rate is delayed, never stuck.
func (b *tokenBucket) allows(n float64) bool { return b.level >= n || b.level >= b.capacity }

func (b *tokenBucket) take(n float64) { b.level -= n }

// setRate changes the rate (and the one-second capacity), keeping the level within it.
func (b *tokenBucket) setRate(ratePerSec float64, now time.Time) {
	b.refill(now)
	b.rate, b.capacity = ratePerSec, ratePerSec
	b.level = math.Min(b.level, b.capacity)
}

func (s *shardState) setRateLocked(pct float64, now time.Time) {
	s.ratePct = pct
	s.recBucket.setRate(shardRecordsPerSec*pct/100, now)
	s.byteBucket.setRate(shardBytesPerSec*pct/100, now)
}

// aggregateDueLocked reports whether the open aggregate should be sealed: its deadline has come,
// and either the limiter's queue is empty or its records have expired (for the sweep to fail
// them). While the queue holds records, a sealed aggregate would only wait behind them: left
// open it keeps filling, and a backlogged shard gets fewer, fuller records. The service charges a
// request's bytes on each shard rounded up to a whole KiB: one 37 KiB aggregate a request wastes
// 1.4 % of the shard's capacity on average, one of 50 KiB 1 %.
func (s *shardState) aggregateDueLocked(now time.Time) bool {
	n := s.p.nanos(now)
	return n >= s.aggDeadline && (len(s.queue) == 0 || n >= s.aggExpiry)
}
