package producer

import (
	"sync"
	"time"
)

// An aggregate sent with a stale shard map (after a reshard) lands on a child of the shard it was
// built for. The service stored it, but a KCL consumer drops an aggregate whole as soon as one of
// its sub-records lies outside the storing shard's range — the sub-records in range too
// (AggregatorUtil.deaggregate removes what it took of the aggregate and stops). So the records
// wait here for a shard map that shows the child's range: when every one of them lies inside it,
// the aggregate is delivered where it is; otherwise all of them are re-sent (the stored copy is
// seen only by readers that ignore the KCL's rule, as a duplicate).

// parkTimeout bounds the wait for a map that knows the storing shard; then everything is re-sent.
const parkTimeout = 5 * time.Second

type parkedAggregate struct {
	k        *krec
	storedIn string
	seq      string
	att      Attempt
	since    time.Time
}

type wrongShardPark struct {
	mu    sync.Mutex
	items []parkedAggregate
}

// park holds a wrong-shard aggregate and asks for a fresh map. The stored Kinesis record counts
// as put.
func (p *Producer) park(k *krec, storedIn, seq string, att Attempt, now time.Time) {
	p.countStored(k)
	k.shard.c.wrongShard.Add(1)
	p.parked.mu.Lock()
	p.parked.items = append(p.parked.items, parkedAggregate{k: k, storedIn: storedIn, seq: seq, att: att, since: now})
	p.parked.mu.Unlock()
	p.requestRefresh()
}

// settleParked decides the parked aggregates the current map can decide (the storing shard is in
// it), and re-sends those waiting longer than parkTimeout. force re-sends everything (closing).
func (p *Producer) settleParked(now time.Time, force bool) {
	p.parked.mu.Lock()
	items := p.parked.items
	p.parked.items = nil
	p.parked.mu.Unlock()
	if len(items) == 0 {
		return
	}
	m := p.smap.Load()
	var keep []parkedAggregate
	for _, it := range items {
		stored := m.stateByID(it.storedIn)
		switch {
		case stored != nil && allInside(stored, it.k.users):
			p.deliver(stored, it.k, it.storedIn, it.seq, it.att, time.Time{}, now) // buffering counted when sent
		case stored != nil || force || now.Sub(it.since) >= parkTimeout:
			for i := range it.k.users {
				p.stats.wrongShardResends.Add(1)
				p.retry(&it.k.users[i], it.k.shard, it.att, now, false)
			}
		default:
			keep = append(keep, it)
		}
	}
	if len(keep) > 0 {
		p.parked.mu.Lock()
		p.parked.items = append(p.parked.items, keep...)
		p.parked.mu.Unlock()
	}
}

// stateByID finds an open shard of the map by id.
func (m *routeMap) stateByID(id string) *shardState {
	for _, s := range m.states {
		if s.id == id {
			return s
		}
	}
	return nil
}

// allInside reports whether every record's hash key lies in s's range: only then does a KCL
// consumer of s deliver their aggregate.
func allInside(s *shardState, users []userRecord) bool {
	for i := range users {
		if !s.contains(users[i].hash) {
			return false
		}
	}
	return true
}
