package metrics

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Store holds the series of one stream and its shards over a fixed window, and the latest
// snapshot. The sampler writes it; any number of readers (dashboard, exporters) read it
// concurrently. Memory is fixed by the window: about 4 bytes × points × (series of the stream
// + series of each shard with history in the window), where points = window / interval, and a
// byte per shard per second of the window for the heat rows (heat.go).
type Store struct {
	stream string
	// streamOn and shardOn say which metrics the sources provide at each level; the others
	// have no series.
	streamOn, shardOn [numMetrics]bool

	latest atomic.Pointer[Snapshot]

	mu     sync.RWMutex
	times  []int64 // sample times (unix ns), slot k % len(times)
	next   int64   // samples stored so far
	all    *seriesSet
	shards map[string]*seriesSet
	shardN int // points kept per shard
	heat   heatRows
}

// Point is one value of a series.
type Point struct {
	T time.Time
	V float64
}

// ShardInfo describes a shard with history in the window.
type ShardInfo struct {
	ShardID string
	// Open is true while the shard is in the producer's current map.
	Open bool
	// Oldest and Newest are the times of its first and last samples still in the window.
	Oldest, Newest time.Time
}

func newStore(stream string, points, shardPoints int, heat heatRows, streamOn, shardOn [numMetrics]bool) *Store {
	shardPoints = min(shardPoints, points) // shard samples are timed by the stream's ring
	return &Store{
		stream: stream, streamOn: streamOn, shardOn: shardOn,
		times: make([]int64, points), all: newSeriesSet(points, 0),
		shards: map[string]*seriesSet{}, shardN: shardPoints, heat: heat,
	}
}

// Stream is the stream name the store was made for.
func (s *Store) Stream() string { return s.stream }

// Latest returns the newest snapshot, or nil before the first sample. It takes no lock.
func (s *Store) Latest() *Snapshot { return s.latest.Load() }

// Capacity is how many samples the stream's series hold (window / interval).
func (s *Store) Capacity() int { return len(s.times) }

// Len is how many samples the stream's series hold now.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return int(min(s.next, int64(len(s.times))))
}

// append stores a snapshot's values as the next sample and drops shards whose history has left
// the window.
func (s *Store) append(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.next
	s.times[k%int64(len(s.times))] = snap.Time.UnixNano()
	s.write(s.all, k, &snap.Stream, &s.streamOn)
	for i := range snap.Shards {
		sv := &snap.Shards[i]
		set := s.shards[sv.ShardID]
		if set == nil || set.last != k-1 {
			// New, or back after a gap (which Kinesis shard ids never do, but a flapping map
			// might): start its history afresh rather than show stale slots as the gap.
			set = newSeriesSet(s.shardN, k)
			s.shards[sv.ShardID] = set
		}
		s.write(set, k, &sv.Values, &s.shardOn)
	}
	s.next = k + 1
	s.heat.add(snap)
	for id, set := range s.shards {
		if set.last < s.next-int64(set.capacity) {
			delete(s.shards, id)
		}
	}
}

func (s *Store) write(set *seriesSet, k int64, v *Values, on *[numMetrics]bool) {
	for m := range numMetrics {
		if on[m] {
			set.put(m, k, v.v[m])
		}
	}
	set.putErrors(k, v.Errors)
	set.last = k
}

// on returns the metrics with series at the level of shardID ("" for the stream).
func (s *Store) on(shardID string) *[numMetrics]bool {
	if shardID == "" {
		return &s.streamOn
	}
	return &s.shardOn
}

// set returns the series set of a shard ("" for the stream), or nil.
func (s *Store) set(shardID string) *seriesSet {
	if shardID == "" {
		return s.all
	}
	return s.shards[shardID]
}

// Series returns the points of a series (see Metric for names; shardID "" for the stream)
// taken at or after since (zero: the whole window), oldest first. Intervals with no value
// (NaN) are left out. Unknown series give nil.
func (s *Store) Series(name, shardID string, since time.Time) []Point {
	return s.AppendSeries(nil, name, shardID, since)
}

// AppendSeries is Series appending to dst, so a dashboard redrawing many times a second can
// reuse one buffer.
func (s *Store) AppendSeries(dst []Point, name, shardID string, since time.Time) []Point {
	m, code, ok := ParseSeriesName(name)
	if !ok || (code == "" && !s.on(shardID)[m]) {
		return dst
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	set := s.set(shardID)
	if set == nil {
		return dst
	}
	var r ring
	if code != "" {
		var found bool
		if r, found = set.errs[code]; !found {
			return dst
		}
	} else {
		r = set.rings[m]
	}
	n := int64(len(s.times))
	lo := set.oldest(s.next)
	if !since.IsZero() {
		t := since.UnixNano()
		lo += int64(sort.Search(int(set.last+1-lo), func(i int) bool { return s.times[(lo+int64(i))%n] >= t }))
	}
	for k := lo; k <= set.last; k++ {
		if v, ok := set.value(r, k); ok {
			dst = append(dst, Point{T: time.Unix(0, s.times[k%n]), V: v})
		}
	}
	return dst
}

// Shards lists the shards with history in the window, open ones first, each group by id.
func (s *Store) Shards() []ShardInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := int64(len(s.times))
	out := make([]ShardInfo, 0, len(s.shards))
	for id, set := range s.shards {
		out = append(out, ShardInfo{
			ShardID: id, Open: set.last == s.next-1,
			Oldest: time.Unix(0, s.times[set.oldest(s.next)%n]), Newest: time.Unix(0, s.times[set.last%n]),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Open != out[j].Open {
			return out[i].Open
		}
		return out[i].ShardID < out[j].ShardID
	})
	return out
}

// SeriesNames lists the series a shard ("" for the stream) has: the metrics its sources
// provide, then its errors.<CODE> series sorted by code.
func (s *Store) SeriesNames(shardID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	set := s.set(shardID)
	if set == nil {
		return nil
	}
	var out []string
	on := s.on(shardID)
	for m := range numMetrics {
		if on[m] {
			out = append(out, m.String())
		}
	}
	codes := make([]string, 0, len(set.errs))
	for c := range set.errs {
		codes = append(codes, ErrorSeriesPrefix+c)
	}
	sort.Strings(codes)
	return append(out, codes...)
}
