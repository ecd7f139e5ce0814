package app

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// liveShardMap is a fleet's live map of the stream's open shards: the producer's ShardMap (its
// routing), reloaded every interval and soon after evidence of a reshard (a shard the service
// answered for that no map listed), as the producer reloads its own. Routing keeps using the
// old map while a new one loads.
type liveShardMap struct {
	m        atomic.Pointer[producer.ShardMap]
	load     func(context.Context) (*producer.ShardMap, error)
	interval time.Duration
	refresh  chan struct{}
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	ctx      context.Context // ends at close: a ListShards in progress stops
	cancel   context.CancelFunc

	mu      sync.Mutex
	listed  map[string]bool // shard ids a map listed
	asked   map[string]bool // shard ids no map listed that asked for a reload already
	lastErr string
}

// mapRefreshSpacing bounds ListShards calls, as the producer's minRefreshSpacing does.
const mapRefreshSpacing = time.Second

func newLiveShardMap(m *producer.ShardMap, load func(context.Context) (*producer.ShardMap, error), interval time.Duration) *liveShardMap {
	s := &liveShardMap{load: load, interval: interval, refresh: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}), listed: map[string]bool{}, asked: map[string]bool{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.install(m)
	go s.refreshLoop()
	return s
}

// current is the map routing uses now.
func (s *liveShardMap) current() *producer.ShardMap { return s.m.Load() }

func (s *liveShardMap) install(m *producer.ShardMap) {
	s.mu.Lock()
	for _, sh := range m.Shards() {
		s.listed[sh.ID] = true
	}
	s.mu.Unlock()
	s.m.Store(m)
}

// evidence notes that the service answered for shard id: one no map has listed asks for a
// reload (once per id). It reports whether a map listed id before (and then the current one
// does not: a shard closed by a reshard).
func (s *liveShardMap) evidence(id string) (listedBefore bool) {
	s.mu.Lock()
	listed, asked := s.listed[id], s.asked[id]
	s.asked[id] = true
	s.mu.Unlock()
	if !listed && !asked {
		select {
		case s.refresh <- struct{}{}:
		default:
		}
	}
	return listed
}

func (s *liveShardMap) lastError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

func (s *liveShardMap) refreshLoop() {
	defer close(s.done)
	var backoff time.Duration
	last := time.Now()
	timer := time.NewTimer(s.interval)
	defer timer.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.refresh:
		case <-timer.C:
		}
		if wait := mapRefreshSpacing - time.Since(last); wait > 0 {
			select {
			case <-s.stop:
				return
			case <-time.After(wait):
			}
		}
		last = time.Now()
		ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
		m, err := s.load(ctx)
		cancel()
		s.mu.Lock()
		s.lastErr = ""
		if err != nil {
			s.lastErr = err.Error()
		}
		s.mu.Unlock()
		if err != nil {
			backoff = min(max(2*backoff, 200*time.Millisecond), 30*time.Second)
			timer.Reset(backoff/2 + rand.N(backoff/2))
			continue
		}
		backoff = 0
		s.install(m)
		timer.Reset(s.interval)
	}
}

// close stops the refresh and waits for it.
func (s *liveShardMap) close() {
	s.once.Do(func() { s.cancel(); close(s.stop) })
	<-s.done
}
