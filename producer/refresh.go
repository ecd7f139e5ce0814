package producer

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// routeMap is a shard map with the pipeline state of each of its shards.
type routeMap struct {
	*shardMap
	states []*shardState
}

// shardFor returns the shard state for h and whether that shard's range holds h. A map caught
// mid-reshard may leave a gap; the record then goes to a neighbour, unaggregated (Kinesis routes
// a raw record by its own key, so nothing lands where a consumer would drop it).
func (m *routeMap) shardFor(h hashkey.Key) (*shardState, bool) {
	i, holds := m.locate(h)
	return m.states[i], holds
}

// installMap swaps in a new shard map. Shards that stay (same id and range) keep their state;
// new shards get fresh state; shards gone (closed by a reshard) are retired and everything they
// held is routed again by the new map.
func (p *Producer) installMap(m *shardMap) {
	now := time.Now()
	cfg := p.cfg.Load()
	old := p.smap.Load()
	byID := map[string]*shardState{}
	if old != nil {
		for _, s := range old.states {
			byID[s.id] = s
		}
	}
	rm := &routeMap{shardMap: m, states: make([]*shardState, len(m.shards))}
	for i, ms := range m.shards {
		if s, ok := byID[ms.id]; ok && s.start == ms.start && s.end == ms.end {
			rm.states[i] = s
			delete(byID, ms.id)
			continue
		}
		rm.states[i] = newShardState(p, ms, cfg, now)
	}
	p.smap.Store(rm)
	var users []*userRecord
	for _, s := range byID {
		s.mu.Lock()
		s.retired = true
		users = s.drainLocked(users)
		s.mu.Unlock()
	}
	for _, u := range users {
		p.route(u)
	}
	if len(byID) > 0 {
		p.stats.mapChanges.Add(1)
	}
	p.settleParked(now, false)
}

// requestRefresh asks the refresher to reload the shard map soon (it coalesces requests).
func (p *Producer) requestRefresh() {
	select {
	case p.refreshCh <- struct{}{}:
	default:
	}
}

// minRefreshSpacing bounds ListShards calls: wrong-shard evidence comes in bursts.
const minRefreshSpacing = time.Second

// refreshLoop reloads the shard map periodically, on request, and with capped exponential
// backoff after failures; routing keeps using the old map meanwhile.
func (p *Producer) refreshLoop() {
	defer p.wg.Done()
	var backoff time.Duration
	last := time.Now()
	timer := time.NewTimer(p.cfg.Load().ShardMapRefreshInterval)
	defer timer.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-p.refreshCh:
		case <-timer.C:
		}
		if wait := minRefreshSpacing - time.Since(last); wait > 0 {
			select {
			case <-p.stop:
				return
			case <-time.After(wait):
			}
		}
		last = time.Now()
		ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
		m, err := loadShardMap(ctx, p.api, p.ref)
		cancel()
		if err != nil {
			p.stats.setMapError(err)
			backoff = min(max(2*backoff, 200*time.Millisecond), 30*time.Second)
			timer.Reset(backoff/2 + rand.N(backoff/2))
			continue
		}
		backoff = 0
		p.stats.setMapError(nil)
		p.installMap(m)
		timer.Reset(p.cfg.Load().ShardMapRefreshInterval)
	}
}

// mapErrorState remembers the last shard map refresh failure, for Stats.
type mapErrorState struct {
	mu  sync.Mutex
	err string
}
