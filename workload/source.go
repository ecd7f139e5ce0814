package workload

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Source builds records — key, size, payload — without any pacing. The Generator wraps one;
// it is exported for callers that pace themselves and for benchmarks. Next must be called
// from one goroutine at a time; the Set methods and TopKeys are safe from any goroutine and
// take effect on the next record.
type Source struct {
	mu         sync.Mutex // serialises changes
	seed       uint64
	generation uint64 // strategies swapped in so far; guarded by mu
	maxRecord  int
	payloadK   PayloadKind
	shards     []ShardRange // sorted; guarded by mu

	keys     atomic.Pointer[keyBox]
	sizes    atomic.Pointer[sizeBox]
	payload  payloadGen
	recycler payloadRecycler // payload, if it can reuse refused records' data; else nil
	pSpec    PayloadSpec
	// usesDue says the payload prints a record's scheduled time ({{timestamp}} and {{unix_ms}}
	// in JSON): the Generator passes Next a zero due otherwise, sparing it a time.Time
	// computation per record.
	usesDue bool
}

type keyBox struct{ s keyStrategy }

type sizeBox struct {
	s    sizer
	spec SizeSpec
}

// NewSource builds the record source of spec (its Shape, Rate and timing fields are not
// used). shards is the stream's open shards, needed by the ehk and shard key strategies.
func NewSource(spec Spec, shards []ShardRange) (*Source, error) {
	spec = spec.withDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if spec.Seed == 0 {
		spec.Seed = rand.Uint64() | 1
	}
	src := &Source{seed: spec.Seed, maxRecord: spec.MaxRecordBytes, payloadK: spec.Payload.kind(), pSpec: spec.Payload}
	if len(shards) > 0 {
		sorted, err := normalizeShards(shards)
		if err != nil {
			return nil, &FieldError{Field: "shards", Err: err}
		}
		src.shards = sorted
	}
	ks, err := newKeyStrategy(spec.Keys, spec.Seed, 0, src.shards)
	if err != nil {
		return nil, &FieldError{Field: "keys", Err: err}
	}
	src.keys.Store(&keyBox{ks})
	src.sizes.Store(&sizeBox{newSizer(spec.Size, spec.Seed, 0, src.payloadK == PayloadRandom), spec.Size})
	if src.payload, err = newPayloadGen(spec.Payload, spec.Seed, spec.MaxRecordBytes); err != nil {
		return nil, &FieldError{Field: "payload", Err: err}
	}
	src.recycler, _ = src.payload.(payloadRecycler)
	_, src.usesDue = src.payload.(*jsonPayload)
	return src, nil
}

// Seed is the seed in use (the one picked at random when the spec's was 0).
func (s *Source) Seed() uint64 { return s.seed }

// Next builds the record with the given index in the schedule, scheduled at due.
func (s *Source) Next(index uint64, due time.Time) Record {
	key, ehk := s.keys.Load().s.next()
	size := s.sizes.Load().s.next()
	data := s.payload.make(size, s.maxRecord-len(key), index, due)
	return Record{PartitionKey: key, ExplicitHashKey: ehk, Data: data}
}

// recycle takes back the data of a record the sink refused, for a later record to reuse.
func (s *Source) recycle(data []byte) {
	if s.recycler != nil {
		s.recycler.recycle(data)
	}
}

// SetKeys switches the key strategy. The new one draws from a fresh stream of the seed.
func (s *Source) SetKeys(k KeySpec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generation++
	ks, err := newKeyStrategy(k, s.seed, s.generation, s.shards)
	if err != nil {
		return fmt.Errorf("workload: set keys: %w", err)
	}
	s.keys.Store(&keyBox{ks})
	return nil
}

// SetHotFraction makes the key "hot" take fraction f of the records. If the strategy is already
// hot only the fraction changes; otherwise the current strategy keeps the other records.
func (s *Source) SetHotFraction(f float64) error {
	if err := (KeySpec{Kind: KeysHot, Fraction: f}).Validate(); err != nil {
		return fmt.Errorf("workload: set hot fraction: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.keys.Load().s
	if hot, ok := cur.(*hotKeys); ok {
		hot.setFraction(f)
		return nil
	}
	s.generation++
	s.keys.Store(&keyBox{newHotKeys(f, cur, newPCG(s.seed, streamHot, s.generation))})
	return nil
}

// SetSizes switches the size distribution.
func (s *Source) SetSizes(z SizeSpec) error {
	if err := z.Validate(s.maxRecord); err != nil {
		return fmt.Errorf("workload: set sizes: %w", err)
	}
	if s.payloadK == PayloadFile && z.Kind != SizesDefault {
		return fmt.Errorf("workload: set sizes: file payloads send each line as it is")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generation++
	s.sizes.Store(&sizeBox{newSizer(z, s.seed, s.generation, s.payloadK == PayloadRandom), z})
	return nil
}

// SetShards gives the stream's current open shards; the ehk and shard strategies move their
// hash keys at once (the shard strategy follows its shard's start of range across splits and
// merges). Call it whenever the producer's shard map changes.
func (s *Source) SetShards(shards []ShardRange) error {
	sorted, err := normalizeShards(shards)
	if err != nil {
		return fmt.Errorf("workload: set shards: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shards = sorted // strategies set later use it even if the current one cannot follow
	if sa, ok := s.keys.Load().s.(shardAware); ok {
		if err := sa.setShards(sorted); err != nil {
			return fmt.Errorf("workload: set shards (the key strategy keeps its old hash keys): %w", err)
		}
	}
	return nil
}

// TopKeys returns up to n of the keys the current strategy uses most, most used first.
// Strategies whose keys never repeat (random, seq) return none.
func (s *Source) TopKeys(n int) []KeyShare { return s.keys.Load().s.topKeys(n) }

// Keys is the current key strategy.
func (s *Source) Keys() KeySpec { return s.keys.Load().s.spec() }

// Sizes is the current size distribution.
func (s *Source) Sizes() SizeSpec { return s.sizes.Load().spec }

// Payload is the payload in use.
func (s *Source) Payload() PayloadSpec { return s.pSpec }
