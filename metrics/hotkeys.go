package metrics

import (
	"sort"
	"sync"
	"time"
)

// HotKeys keeps, for each shard, the partition keys sending it the most records and the most
// bytes, over a sliding window: the answer to "why is shard 3 hot?". It is fed from the producer
// side — it implements producer.RecordRoutedHook — so it sees every record as routed, throttled or
// not. Memory is bounded: two sketches of k counters per shard per measure.
type HotKeys struct {
	k      int
	window time.Duration
	now    func() time.Time

	mu     sync.RWMutex
	shards map[string]*shardKeys
}

// KeyCount is a key's estimated records and bytes in the window. The estimates never
// undercount; *Error bounds how much they may overcount (0 for keys seen since they were
// first counted).
type KeyCount struct {
	Key                    string
	Records, RecordsError  int64
	Bytes, BytesError      int64
	RecordShare, ByteShare float64 // of the shard's records and bytes in the window
}

type shardKeys struct {
	mu        sync.Mutex
	cur, prev *KeySketch
	curStart  time.Time
}

// DefaultHotKeysK and DefaultHotKeysWindow: 64 counters find any key above 1/64 of a shard's
// traffic; a 10 s window lets a hotspot be seen forming and dissolving.
const (
	DefaultHotKeysK      = 64
	DefaultHotKeysWindow = 10 * time.Second
)

// NewHotKeys tracks the top k keys per shard over windows of the given length (the report
// covers the current window and the one before it). Zero values take the defaults.
func NewHotKeys(k int, window time.Duration) *HotKeys {
	if k <= 0 {
		k = DefaultHotKeysK
	}
	if window <= 0 {
		window = DefaultHotKeysWindow
	}
	return &HotKeys{k: k, window: window, now: time.Now, shards: map[string]*shardKeys{}}
}

// OnRecordRouted counts one record: the producer calls it for every accepted record.
func (h *HotKeys) OnRecordRouted(shardID, key string, bytes int) {
	h.mu.RLock()
	s := h.shards[shardID]
	h.mu.RUnlock()
	if s == nil {
		h.mu.Lock()
		if s = h.shards[shardID]; s == nil {
			s = &shardKeys{curStart: h.now(), cur: NewKeySketch(h.k)}
			h.shards[shardID] = s
		}
		h.mu.Unlock()
	}
	s.mu.Lock()
	s.cur.Add(key, int64(bytes))
	s.mu.Unlock()
}

// rotate starts a new window when the current one is over. Rotation happens on reads, so the
// write path never reads the clock.
func (s *shardKeys) rotate(now time.Time, window time.Duration, k int) {
	switch {
	case now.Sub(s.curStart) >= 2*window: // idle for a whole window: nothing recent to keep
		s.prev, s.cur = nil, NewKeySketch(k)
		s.curStart = now
	case now.Sub(s.curStart) >= window:
		s.prev, s.cur = s.cur, NewKeySketch(k)
		s.curStart = now
	}
}

// Top returns up to n keys of a shard, the heaviest first by records (byBytes false) or by
// bytes, with their shares of the shard's traffic in the window.
func (h *HotKeys) Top(shardID string, n int, byBytes bool) []KeyCount {
	h.mu.RLock()
	s := h.shards[shardID]
	h.mu.RUnlock()
	if s == nil || n <= 0 {
		return nil
	}
	s.mu.Lock()
	s.rotate(h.now(), h.window, h.k)
	defer s.mu.Unlock()
	return TopKeys(n, byBytes, s.prev, s.cur)
}

// MinDominantShare is the share of a shard's records a key must be known to have (its estimate
// less its possible error) for Dominant to name it.
const MinDominantShare = 0.01

// Dominant returns the shard's top key by records if it provably carries at least
// MinDominantShare of them. With evenly spread keys (random, a large pool) no key does, and the
// sketch's top entry is only its error bound (1/k): naming it would point at a key that is not
// hot at all.
func (h *HotKeys) Dominant(shardID string) (KeyCount, bool) {
	top := h.Top(shardID, 1, false)
	if len(top) == 0 || top[0].RecordShare == 0 {
		return KeyCount{}, false
	}
	kc := top[0]
	total := float64(kc.Records) / kc.RecordShare
	if float64(kc.Records-kc.RecordsError) < MinDominantShare*total {
		return KeyCount{}, false
	}
	return kc, true
}

// Shards lists the shards seen, sorted.
func (h *HotKeys) Shards() []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]string, 0, len(h.shards))
	for id := range h.shards {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
