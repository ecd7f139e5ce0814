package metrics

import (
	"container/heap"
	"sort"
)

// spaceSaving is the Space-Saving heavy-hitters sketch (Metwally, Agrawal, El Abbadi 2005) over
// weighted updates: it keeps k counters; a new key takes over the smallest one, inheriting its
// count as its possible overestimate. Any key whose true weight exceeds total/k is guaranteed to
// be kept, and every kept count c satisfies true ≤ c ≤ true + err. A min-heap makes an update
// O(log k) for any key distribution (random keys miss on every update).
type spaceSaving struct {
	k     int
	total int64
	index map[string]*ssEntry
	heap  ssHeap
}

type ssEntry struct {
	key        string
	count, err int64
	pos        int
}

type ssHeap []*ssEntry

func (h ssHeap) Len() int           { return len(h) }
func (h ssHeap) Less(i, j int) bool { return h[i].count < h[j].count }
func (h ssHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].pos = i; h[j].pos = j }
func (h *ssHeap) Push(x any)        { e := x.(*ssEntry); e.pos = len(*h); *h = append(*h, e) }
func (h *ssHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func newSpaceSaving(k int) *spaceSaving {
	return &spaceSaving{k: k, index: make(map[string]*ssEntry, k)}
}

func (s *spaceSaving) add(key string, w int64) {
	s.total += w
	if e, ok := s.index[key]; ok {
		e.count += w
		heap.Fix(&s.heap, e.pos)
		return
	}
	if len(s.heap) < s.k {
		e := &ssEntry{key: key, count: w}
		s.index[key] = e
		heap.Push(&s.heap, e)
		return
	}
	min := s.heap[0] // reuse the smallest counter for the new key
	delete(s.index, min.key)
	min.key, min.err = key, min.count
	min.count += w
	s.index[key] = min
	heap.Fix(&s.heap, 0)
}

// merged adds another sketch's counters into a map (used to combine the current and previous
// windows); errors add up, as both are overestimates.
func (s *spaceSaving) mergeInto(m map[string]*KeyCount, bytes bool) {
	for _, e := range s.heap {
		kc := m[e.key]
		if kc == nil {
			kc = &KeyCount{Key: e.key}
			m[e.key] = kc
		}
		if bytes {
			kc.Bytes += e.count
			kc.BytesError += e.err
		} else {
			kc.Records += e.count
			kc.RecordsError += e.err
		}
	}
}

// KeySketch counts keys' records and bytes in k counters each: the sketch HotKeys keeps per
// shard and window, for readers that count keys themselves (the record sample of watch, which
// keeps one per shard and window segment).
type KeySketch struct{ records, bytes *spaceSaving }

// NewKeySketch returns a sketch of k counters per measure (k ≤ 0: DefaultHotKeysK).
func NewKeySketch(k int) *KeySketch {
	if k <= 0 {
		k = DefaultHotKeysK
	}
	return &KeySketch{newSpaceSaving(k), newSpaceSaving(k)}
}

// Add counts one record of key holding bytes.
func (s *KeySketch) Add(key string, bytes int64) {
	s.records.add(key, 1)
	s.bytes.add(key, bytes)
}

// TopKeys merges sketches (nil ones are skipped) and returns up to n keys, the heaviest first by
// records (byBytes false) or by bytes, with their shares of the records and bytes the sketches
// counted.
func TopKeys(n int, byBytes bool, sketches ...*KeySketch) []KeyCount {
	if n <= 0 {
		return nil
	}
	m := map[string]*KeyCount{}
	var records, bytes int64
	for _, s := range sketches {
		if s == nil {
			continue
		}
		s.records.mergeInto(m, false)
		s.bytes.mergeInto(m, true)
		records += s.records.total
		bytes += s.bytes.total
	}
	out := make([]KeyCount, 0, len(m))
	for _, kc := range m {
		if records > 0 {
			kc.RecordShare = float64(kc.Records) / float64(records)
		}
		if bytes > 0 {
			kc.ByteShare = float64(kc.Bytes) / float64(bytes)
		}
		out = append(out, *kc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Records, out[j].Records
		if byBytes {
			a, b = out[i].Bytes, out[j].Bytes
		}
		if a != b {
			return a > b
		}
		return out[i].Key < out[j].Key
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
