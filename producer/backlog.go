package producer

import (
	"context"
	"fmt"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// ErrShardBacklog: Put or TryPut found the record's shard already holding more than it can
// deliver within RecordTtl. It matches ErrBufferFull, so callers that handle a full buffer
// handle it too.
var ErrShardBacklog = fmt.Errorf("%w: the record's shard holds more than it can deliver within RecordTtl", ErrBufferFull)

// A shard delivers at most its write limit whatever RateLimit says (the service throttles the
// rest), so records queued for it beyond limit × RecordTtl would expire before their turn.
// Refusing them at the door tells the caller now, instead of RecordTtl later — and, above all,
// keeps one hot shard from filling the shared buffer while the other shards starve: with a hot
// key at 30% of 150% of a stream's capacity, the buffer filled with the hot shard's backlog and
// every other shard's records were refused with it (69.5% of capacity delivered, not ~100%).

// backlogFloor keeps a short RecordTtl from refusing everything: a shard may always hold one
// second of its limit.
const backlogFloor = shardBytesPerSec

// backlogTTLShare is the part of RecordTtl a full backlog takes to drain at the shard's limit:
// the rest is margin for retries and for a rate the adaptive limiter holds below the limit.
const backlogTTLShare = 0.8

// backlogLimit is how many bytes (and, without aggregation, user records) a shard may hold.
func backlogLimit(cfg *Config) (bytes, records int64) {
	rate := min(cfg.RateLimit, 100) / 100
	ttl := cfg.RecordTtl.Seconds() * backlogTTLShare
	bytes = max(int64(shardBytesPerSec*rate*ttl), backlogFloor)
	records = -1 // aggregated records are bound by bytes: 1000 aggregates/s carry far more than 1 MiB
	if cfg.DisableAggregation {
		records = max(int64(shardRecordsPerSec*rate*ttl), shardRecordsPerSec)
	}
	return bytes, records
}

// backlog is what the shard holds between Put and the service's answer, read without locks:
// the stage counters are read against the flow (flight, collector, limiter, aggregator), so a
// record moving forward meanwhile is missed rather than counted twice; but a batch released
// from the limiter to the collector, or a retry coming back, can still be counted twice. The
// aggregator's counters lag its open aggregate by less than a publication step (see
// publishAggLocked).
func (s *shardState) backlog() (bytes, records int64) {
	c := &s.c
	fb, fr := c.flightBytes.Load(), c.flightRecords.Load()
	cb, cr := c.colBytes.Load(), c.colRecords.Load()
	bytes = fb + cb + c.limBytes.Load() + c.aggBytes.Load()
	records = fr + cr + c.limRecords.Load() + c.aggRecords.Load()
	return bytes, records
}

// backlogExact is backlog with no record counted twice: the limiter's moves to the collector
// and a retry's return into the shard happen under s.mu, held here. (Lock-free reads once
// made a shard refuse records holding 1.4 of its 1.6 MiB: a batch released between two reads.)
func (s *shardState) backlogExact() (bytes, records int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bytes, records = s.backlog()
	// The open aggregate as it is, not as last published.
	return bytes + s.aggBytes - s.aggPubBytes, records + int64(len(s.aggUsers)) - s.aggPubRecords
}

// hasRoom says whether the shard may take one more record. The lock-free reading can only
// count too much (or miss a record in motion, which lets one more in), so a shard under its
// bound is let through without the lock, and one that looks full is read again exactly.
func (s *shardState) hasRoom(cfg *Config) bool {
	maxBytes, maxRecords := backlogLimit(cfg)
	under := func(b, r int64) bool { return b < maxBytes && (maxRecords < 0 || r < maxRecords) }
	// The lock-free reading lags the open aggregate by less than a publication step: a shard
	// under its bound by more than a step is under it.
	if b, r := s.backlog(); under(b+aggPublishBytes, r+aggPublishRecords) {
		return true
	}
	return under(s.backlogExact())
}

// tryShardRoom is hasRoom counting a refusal against the shard. While the whole buffer holds
// less than one shard's bound, no shard can be over it: that is one reading of the buffer's
// counters instead of eight of the shard's, for most Puts (the default bound, 24 MiB, is more
// than MaxBufferedRecords of small records hold).
func (p *Producer) tryShardRoom(s *shardState) bool {
	cfg := p.cfg.Load()
	if p.gate.under(backlogLimit(cfg)) || s.hasRoom(cfg) {
		return true
	}
	s.c.backlogRefused.Add(1)
	return false
}

// waitShardRoom waits until the shard of hash key h (s, by the map Put read) has room. It
// polls, looking the shard up again each time (a reshard may replace it): the backlog shrinks
// as records resolve, and the buffer gate's wake-ups are not per shard.
func (p *Producer) waitShardRoom(ctx context.Context, s *shardState, h hashkey.Key) error {
	if p.tryShardRoom(s) {
		return nil
	}
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.stop:
			return ErrClosed
		case <-t.C:
		}
		if s, _ := p.smap.Load().shardFor(h); s.hasRoom(p.cfg.Load()) {
			return nil
		}
	}
}
