package producer

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// krec is one Kinesis record: a KPL aggregate of user records of one shard, or one user record
// sent raw.
type krec struct {
	shard *shardState // the shard it was built for
	// users are its user records, by value: an aggregate's slab (see slab.go), or one for a raw
	// record.
	users []userRecord
	one   [1]userRecord // users' storage for a raw record: no allocation beside the krec
	// data is the record's data: the user's for a raw record; for an aggregate, nil until the
	// request that sends it encodes it (see encodeAggregate) — a backlog waiting for tokens is
	// held once, as its users' records, not twice.
	data       []byte
	pk         string
	ehk        *string // the outer explicit hash key of an aggregate: its first record's, inside the shard
	size       int     // data + partition key, as the service counts it
	userBytes  int64
	deadline   time.Time
	expiry     time.Time // the earliest of its records'
	released   time.Time // when the limiter let it go: adaptive limiting tells answers to old rates apart
	aggregated bool
}

// shardState is one shard's stage of the pipeline: its aggregator, its limiter (queue and token
// buckets, with the adaptive rate) and its counters.
type shardState struct {
	id         string
	start, end hashkey.Key
	// startText and endText are start and end in decimal, formatted once: Stats reports them
	// for every shard at every snapshot, and a 128-bit decimal costs a big.Int conversion.
	startText, endText string
	p                  *Producer

	mu          sync.Mutex
	agg         kpl.Sizer    // sizes the open aggregate; encoding waits until it is sent
	aggUsers    []userRecord // the open aggregate's records, in its slab
	aggBytes    int64
	aggDeadline nanotime // the earliest of its records', on the producer's clock as theirs are
	aggExpiry   nanotime
	queue       []*krec // the limiter's queue, by deadline
	recBucket   tokenBucket
	byteBucket  tokenBucket
	ratePct     float64 // current rate, percent of the shard limits
	adaptive    adaptiveState
	retired     bool // no longer in the shard map: add refuses, the refresher re-routes its records
	// aggPubRecords and aggPubBytes are how much of the open aggregate c.aggRecords and
	// c.aggBytes count (see publishAggLocked).
	aggPubRecords, aggPubBytes int64

	c shardCounters
}

// shardCounters are read by Stats without locks.
type shardCounters struct {
	aggRecords, aggBytes       atomic.Int64
	limRecords, limBytes       atomic.Int64
	colRecords, colBytes       atomic.Int64
	flightRecords, flightBytes atomic.Int64
	userPut, userBytesPut      atomic.Int64
	kinesisPut, kinesisBytes   atomic.Int64
	throttles, throttledBytes  atomic.Int64
	retries                    atomic.Int64
	expired, failed            atomic.Int64
	wrongShard                 atomic.Int64
	backlogRefused             atomic.Int64 // Puts refused or held because the shard's backlog was full
	endToEnd                   latencyCounters
	errors                     errorCounts
}

func newShardState(p *Producer, s mapShard, cfg *Config, now time.Time) *shardState {
	st := &shardState{id: s.id, start: s.start, end: s.end, startText: s.start.String(), endText: s.end.String(),
		p: p, ratePct: cfg.RateLimit}
	st.recBucket = newTokenBucket(shardRecordsPerSec*cfg.RateLimit/100, now)
	st.byteBucket = newTokenBucket(shardBytesPerSec*cfg.RateLimit/100, now)
	return st
}

// add puts a copy of a user record into the shard's aggregator (or, raw, straight into its
// limiter). It returns false if the shard was retired, for the caller to route again.
func (s *shardState) add(u *userRecord, raw bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retired {
		return false
	}
	cfg := s.p.cfg.Load()
	if raw || cfg.DisableAggregation {
		s.enqueueLocked(s.rawKrec(u))
		return true
	}
	kr := kpl.Record{PartitionKey: u.rec.PartitionKey, ExplicitHashKey: u.rec.ExplicitHashKey, Data: u.rec.Data}
	var pl kpl.Placement
	if n := s.agg.Len(); n > 0 {
		pl = s.place(kr, u)
		size := s.agg.Size() + pl.Grow()
		if size > cfg.AggregationMaxSize || size+len(s.aggUsers[0].rec.PartitionKey) > s.p.maxRec || n >= cfg.AggregationMaxCount {
			s.sealLocked()
		}
	}
	if s.agg.Len() == 0 {
		// A record too big to aggregate even alone goes raw.
		pl = s.place(kr, u)
		if size := s.agg.Size() + pl.Grow(); size > cfg.AggregationMaxSize || size+len(u.rec.PartitionKey) > s.p.maxRec {
			s.enqueueLocked(s.rawKrec(u))
			return true
		}
		s.aggDeadline, s.aggExpiry = u.deadline, u.expiry
	}
	u.place = s.agg.AddPlaced(kr, pl)
	// Copied once into its slot: append(s.aggUsers, *u) copied the 160 bytes to a temporary
	// first.
	n := len(s.aggUsers)
	if n == cap(s.aggUsers) {
		s.aggUsers = slices.Grow(s.aggUsers, 1)
	}
	s.aggUsers = s.aggUsers[:n+1]
	s.aggUsers[n] = *u
	prefetchNextSlot(s.aggUsers) // for the shard's next record (see prefetch.go)
	s.aggBytes += u.size
	s.publishAggLocked()
	s.aggDeadline = min(s.aggDeadline, u.deadline)
	s.aggExpiry = min(s.aggExpiry, u.expiry)
	if s.agg.Len() >= cfg.AggregationMaxCount {
		s.sealLocked()
	}
	return true
}

// The open aggregate's counters for lock-free readers (the backlog check) are published in
// steps, not per record: two atomic adds per record were 5 % of the engine's time at 100 bytes
// (an atomic add waits for the record just copied into the slab to reach the cache). They lag
// the aggregate by less than aggPublishRecords records and aggPublishBytes bytes; readers that
// hold s.mu (Stats, backlogExact) read the exact figures.
const (
	aggPublishRecords = 64
	aggPublishBytes   = 64 << 10
)

// publishAggLocked brings c.aggRecords and c.aggBytes up to the open aggregate when they lag it
// by aggPublishRecords records or aggPublishBytes bytes.
func (s *shardState) publishAggLocked() {
	n, b := int64(len(s.aggUsers))-s.aggPubRecords, s.aggBytes-s.aggPubBytes
	if n < aggPublishRecords && b < aggPublishBytes {
		return
	}
	s.c.aggRecords.Add(n)
	s.c.aggBytes.Add(b)
	s.aggPubRecords, s.aggPubBytes = int64(len(s.aggUsers)), s.aggBytes
}

// unpublishAggLocked takes the open aggregate out of c.aggRecords and c.aggBytes, as it leaves
// the aggregator.
func (s *shardState) unpublishAggLocked() {
	s.c.aggRecords.Add(-s.aggPubRecords)
	s.c.aggBytes.Add(-s.aggPubBytes)
	s.aggPubRecords, s.aggPubBytes = 0, 0
}

// place places kr, u's record, in the open aggregate. The key tables take the partition key's
// MD5 as its hash: a record routed by its key has it already; one routed by an explicit hash key
// gets it from the key cache, as the Sizer wants one hash per key (the same key, hashed two
// ways, took two places in the table).
func (s *shardState) place(kr kpl.Record, u *userRecord) kpl.Placement {
	if kr.ExplicitHashKey == "" {
		return s.agg.PlaceHashed(kr, u.hash.Lo)
	}
	return s.agg.PlaceHashed(kr, s.p.keys.hashOf(kr.PartitionKey).Lo)
}

func (s *shardState) rawKrec(u *userRecord) *krec {
	k := &krec{shard: s, data: u.rec.Data, pk: u.rec.PartitionKey, size: int(u.size),
		userBytes: u.size, deadline: s.p.timeAt(u.deadline), expiry: s.p.timeAt(u.expiry)}
	k.one[0] = *u
	k.users = k.one[:]
	if u.rec.ExplicitHashKey != "" {
		k.ehk = &k.one[0].rec.ExplicitHashKey
	}
	s.c.limRecords.Add(1)
	s.c.limBytes.Add(u.size)
	return k
}

// sealLocked closes the current aggregate and queues it for the limiter. One record is sent
// raw, as the KPL does: an aggregate of one only costs bytes.
func (s *shardState) sealLocked() {
	users := s.aggUsers
	if len(users) == 0 {
		return
	}
	s.unpublishAggLocked()
	if len(users) == 1 {
		k := s.rawKrec(&users[0])
		clear(users) // copied into k: the slab serves the next aggregate
		s.agg.Reset()
		s.aggUsers, s.aggBytes = s.aggUsers[:0], 0
		s.enqueueLocked(k)
		return
	}
	ehk := users[0].hash.String()
	k := &krec{shard: s, users: users, pk: users[0].rec.PartitionKey, ehk: &ehk,
		size: s.agg.Size() + len(users[0].rec.PartitionKey), userBytes: s.aggBytes,
		deadline: s.p.timeAt(s.aggDeadline), expiry: s.p.timeAt(s.aggExpiry), aggregated: true}
	s.c.limRecords.Add(int64(len(users)))
	s.c.limBytes.Add(s.aggBytes)
	s.agg.Reset()
	s.aggUsers, s.aggBytes = s.p.slabs.take(len(users)), 0
	s.enqueueLocked(k)
}

// enqueueLocked inserts k into the limiter queue in deadline order (retried records carry
// earlier deadlines and overtake).
func (s *shardState) enqueueLocked(k *krec) {
	n := len(s.queue)
	if n == 0 || !k.deadline.Before(s.queue[n-1].deadline) {
		s.queue = append(s.queue, k)
	} else {
		i := sort.Search(n, func(i int) bool { return k.deadline.Before(s.queue[i].deadline) })
		s.queue = append(s.queue, nil)
		copy(s.queue[i+1:], s.queue[i:])
		s.queue[i] = k
	}
	s.p.poke()
}

// releaseLocked moves queued records that the buckets allow, in deadline order, to out; records
// past their expiry go to expired instead.
func (s *shardState) releaseLocked(now time.Time, out, expired []*krec) ([]*krec, []*krec) {
	s.recBucket.refill(now)
	s.byteBucket.refill(now)
	for len(s.queue) > 0 {
		k := s.queue[0]
		if !now.Before(k.expiry) {
			expired = append(expired, k)
			s.c.limRecords.Add(-int64(len(k.users)))
			s.c.limBytes.Add(-k.userBytes)
		} else if s.recBucket.allows(1) && s.byteBucket.allows(float64(k.size)) {
			s.recBucket.take(1)
			s.byteBucket.take(float64(k.size))
			k.released = now
			out = append(out, k)
			s.c.limRecords.Add(-int64(len(k.users)))
			s.c.limBytes.Add(-k.userBytes)
			s.c.colRecords.Add(int64(len(k.users)))
			s.c.colBytes.Add(k.userBytes)
		} else {
			break
		}
		s.queue[0] = nil
		s.queue = s.queue[1:]
	}
	return out, expired
}

// sweepExpiredLocked takes expired records from anywhere in the queue (the head may be held by
// the buckets for long on a throttled shard).
func (s *shardState) sweepExpiredLocked(now time.Time, expired []*krec) []*krec {
	kept := s.queue[:0]
	for _, k := range s.queue {
		if !now.Before(k.expiry) {
			expired = append(expired, k)
			s.c.limRecords.Add(-int64(len(k.users)))
			s.c.limBytes.Add(-k.userBytes)
			continue
		}
		kept = append(kept, k)
	}
	clear(s.queue[len(kept):])
	s.queue = kept
	return expired
}

// drainLocked empties the aggregator and the queue (for a retired shard, or at close) and
// returns their user records (pointers into slabs that nothing else holds any more).
func (s *shardState) drainLocked(users []*userRecord) []*userRecord {
	for i := range s.aggUsers {
		users = append(users, &s.aggUsers[i])
	}
	s.unpublishAggLocked()
	s.agg.Reset()
	s.aggUsers, s.aggBytes = nil, 0
	for _, k := range s.queue {
		for i := range k.users {
			users = append(users, &k.users[i])
		}
		s.c.limRecords.Add(-int64(len(k.users)))
		s.c.limBytes.Add(-k.userBytes)
	}
	s.queue = nil
	return users
}

func (s *shardState) contains(h hashkey.Key) bool { return s.start.Cmp(h) <= 0 && h.Cmp(s.end) <= 0 }
