package producer

import (
	"sort"
	"time"
)

// dispatchTick is how often the dispatcher looks at deadlines and buckets when nothing wakes it
// sooner (the KPL polls its limiter every 25 ms; finer ticks keep latency close to the deadline).
const dispatchTick = 5 * time.Millisecond

// sweepEvery is how often whole limiter queues are searched for expired records.
const sweepEvery = 100 * time.Millisecond

// dispatchLoop is the one goroutine that moves sealed records through the limiters and the
// collector and starts requests.
func (p *Producer) dispatchLoop() {
	defer p.wg.Done()
	tick := time.NewTicker(dispatchTick)
	defer tick.Stop()
	var lastSweep time.Time
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		case <-tick.C:
		}
		now := time.Now()
		sweep := now.Sub(lastSweep) >= sweepEvery
		if sweep {
			lastSweep = now
		}
		p.dispatch(now, sweep)
	}
}

// dispatch runs one pass: seal due aggregates, release what the limiters allow, expire what is
// past RecordTtl, and send the batches the collector has ready.
func (p *Producer) dispatch(now time.Time, sweep bool) {
	cfg := p.cfg.Load()
	flushing := p.flushing.Load() > 0
	var released, expired []*krec
	for _, s := range p.smap.Load().states {
		s.mu.Lock()
		if len(s.aggUsers) > 0 && (flushing || s.aggregateDueLocked(now)) {
			s.sealLocked()
		}
		s.adjustRateLocked(cfg, now)
		if sweep {
			expired = s.sweepExpiredLocked(now, expired)
		}
		released, expired = s.releaseLocked(now, released, expired)
		s.mu.Unlock()
	}
	for _, k := range expired {
		p.expireOrReroute(k, now)
	}
	if sweep {
		p.settleParked(now, false) // those whose map never came
	}
	p.collector.add(released)
	p.collector.sendReady(p, cfg, now, flushing)
}

// expireOrReroute handles a Kinesis record found past its expiry (the earliest of its users'):
// the users past theirs fail with ErrExpired, the others go back through routing.
func (p *Producer) expireOrReroute(k *krec, now time.Time) {
	for ui := range k.users {
		u := &k.users[ui]
		if p.nanos(now) >= u.expiry {
			p.fail(u, k.shard, ErrExpired, now)
		} else {
			p.route(u)
		}
	}
}

// perShardFlushBytes is the KPL's rule: once one shard has this much waiting in the collector,
// send — a shard takes 1 MiB/s, so holding more for it only adds latency.
const perShardFlushBytes = 256 * 1024

// collector gathers released Kinesis records into PutRecords batches, in deadline order.
// Only the dispatcher goroutine touches it.
type collector struct {
	pending    []*krec
	bytes      int
	shardBytes map[*shardState]int
}

func (c *collector) add(ks []*krec) {
	if len(ks) == 0 {
		return
	}
	if c.shardBytes == nil {
		c.shardBytes = map[*shardState]int{}
	}
	for _, k := range ks {
		c.bytes += k.size
		c.shardBytes[k.shard] += k.size
	}
	c.pending = append(c.pending, ks...)
	sort.SliceStable(c.pending, func(i, j int) bool { return c.pending[i].deadline.Before(c.pending[j].deadline) })
}

// sendReady starts requests while a batch is ready and a connection is free: when a full batch
// is waiting, when one shard has perShardFlushBytes waiting, when the earliest deadline has come,
// or when flushing.
func (c *collector) sendReady(p *Producer, cfg *Config, now time.Time, flushing bool) {
	for len(c.pending) > 0 {
		full := len(c.pending) >= cfg.CollectionMaxCount || c.bytes >= cfg.CollectionMaxSize
		due := flushing || !now.Before(c.pending[0].deadline)
		if !full && !due && !c.hotShard() {
			return
		}
		// As much as fits in a request and beside the requests in flight (MaxRequestBytesInFlight:
		// a smaller request now rather than a full one later); the first record in any case,
		// and tryAcquire says whether it may go now.
		room := min(int64(cfg.CollectionMaxSize), p.slots.room(cfg.MaxRequestBytesInFlight))
		n, size := 0, 0
		for n < len(c.pending) && n < cfg.CollectionMaxCount && (n == 0 || int64(size+c.pending[n].size) <= room) {
			size += c.pending[n].size
			n++
		}
		if !p.slots.tryAcquire(cfg.MaxConnections, int64(size), cfg.MaxRequestBytesInFlight) {
			return // a response will wake the dispatcher
		}
		batch := make([]*krec, n)
		copy(batch, c.pending[:n])
		clear(c.pending[:n])
		c.pending = c.pending[n:]
		c.bytes -= size
		for _, k := range batch {
			if c.shardBytes[k.shard] -= k.size; c.shardBytes[k.shard] <= 0 {
				delete(c.shardBytes, k.shard)
			}
			k.shard.c.colRecords.Add(-int64(len(k.users)))
			k.shard.c.colBytes.Add(-k.userBytes)
			k.shard.c.flightRecords.Add(int64(len(k.users)))
			k.shard.c.flightBytes.Add(k.userBytes)
		}
		p.stats.requestsInFlight.Add(1)
		p.startSend(batch, int64(size), cfg)
	}
}

func (c *collector) hotShard() bool {
	for _, b := range c.shardBytes {
		if b >= perShardFlushBytes {
			return true
		}
	}
	return false
}

// drain empties the collector (at close) and returns its records.
func (c *collector) drain() []*krec {
	out := c.pending
	c.pending, c.bytes, c.shardBytes = nil, 0, nil
	for _, k := range out {
		k.shard.c.colRecords.Add(-int64(len(k.users)))
		k.shard.c.colBytes.Add(-k.userBytes)
	}
	return out
}

// failEverything resolves, with ErrClosed, every record still held after Close stopped the
// goroutines: nothing is lost silently.
func (p *Producer) failEverything() {
	now := time.Now()
	var users []*userRecord
	for _, s := range p.smap.Load().states {
		s.mu.Lock()
		users = s.drainLocked(users)
		s.retired = true
		s.mu.Unlock()
	}
	for _, k := range p.collector.drain() {
		for ui := range k.users {
			u := &k.users[ui]
			p.fail(u, k.shard, ErrClosed, now)
		}
	}
	for _, u := range users {
		p.fail(u, nil, ErrClosed, now)
	}
}
