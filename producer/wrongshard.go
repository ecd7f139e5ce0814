package producer

import (
	"sync"
	"time"
)

// An aggregate sent with a stale shard map (after a reshard) lands on a child of the shard it was
// built for. The service stored it; a KCL consumer delivers the sub-records whose hash keys lie
// in that child's range and drops the others. Re-sending every record would store the delivered
// ones twice, so the records wait here for a shard map that shows the child's range: those inside
// it succeed where they are, the rest are re-sent.

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
		case stored != nil:
			for i, u := range it.k.users {
				if stored.contains(u.hash) {
					p.deliver(stored, it.k.users[i:i+1], i, it.storedIn, it.seq, it.att, now)
				} else {
					p.stats.wrongShardResends.Add(1)
					p.retry(u, it.k.shard, it.att, now, false)
				}
			}
		case force || now.Sub(it.since) >= parkTimeout:
			for _, u := range it.k.users {
				p.stats.wrongShardResends.Add(1)
				p.retry(u, it.k.shard, it.att, now, false)
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
