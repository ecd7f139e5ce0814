package emulator

import (
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// Stream states, as DescribeStream reports them.
const (
	statusCreating = "CREATING"
	statusDeleting = "DELETING"
	statusActive   = "ACTIVE"
	statusUpdating = "UPDATING"
)

// stream is one Kinesis stream. Its mutex guards everything below it, shards included; the
// emulator's mutex is never taken while holding it.
type stream struct {
	mu sync.Mutex

	name         string
	arn          string
	epoch        int64 // creation time in epoch seconds, part of every sequence number
	createdAt    time.Time
	status       string
	readyAt      time.Time       // when CREATING or UPDATING ends
	pending      func(time.Time) // the reshard UPDATING is waiting to apply
	onDemand     bool
	od           *onDemandState // ON_DEMAND capacity (ondemand.go); nil while PROVISIONED
	maxRecordKiB int
	deleted      bool

	shards  []*shard // every shard, by index; closed ones stay listed
	open    []*shard // open shards sorted by starting hash key
	counter uint64   // stream-wide sequence counter

	writeCalls struct{ putRecords, putRecord int64 } // write requests that reached the stream
	writeSeq   uint64                                // numbers each write call, for its bytes charge (size_accounting.go)

	encryption string // NONE or KMS
	keyID      string
	enhanced   map[string]bool // shard-level metrics enabled

	listShards   tokenBucket
	countUpdates []time.Time // UpdateShardCount calls in the last 24 h
	modeUpdates  []time.Time // UpdateStreamMode calls in the last 24 h

	tags      map[string]string
	retention time.Duration // records older than this are trimmed (RetentionPeriodHours)

	rng *rand.Rand // internal-failure draws; seeded per stream so runs repeat
}

// advance applies state changes whose time has come. Every call that touches the stream calls it
// first, so the emulator needs no timers and a ManualClock drives resharding exactly.
func (s *stream) advance(now time.Time) {
	if s.status == statusDeleting {
		if !now.Before(s.readyAt) {
			s.deleted = true // lookup drops it from the account
		}
		return
	}
	if (s.status == statusCreating || s.status == statusUpdating) && !now.Before(s.readyAt) {
		if s.pending != nil {
			s.pending(s.readyAt)
			s.pending = nil
		}
		s.status = statusActive
	}
	s.advanceOnDemand(now)
}

// shardFor returns the open shard whose range holds h.
func (s *stream) shardFor(h hashkey.Key) *shard {
	i := sort.Search(len(s.open), func(i int) bool { return s.open[i].end.Cmp(h) >= 0 })
	if i < len(s.open) && s.open[i].contains(h) {
		return s.open[i]
	}
	return nil // unreachable while the open shards cover the key space
}

// shardByID finds a shard in O(1): an id is its index (shardID), so it is parsed, not searched for,
// which keeps GetShardIterator and GetRecords cheap on a stream of 10,000 shards.
func (s *stream) shardByID(id string) *shard {
	const prefix = "shardId-"
	if len(id) != len(prefix)+12 || id[:len(prefix)] != prefix {
		return nil
	}
	idx := 0
	for _, c := range id[len(prefix):] {
		if c < '0' || c > '9' {
			return nil
		}
		idx = idx*10 + int(c-'0')
	}
	if idx >= len(s.shards) || s.shards[idx].id != id {
		return nil
	}
	return s.shards[idx]
}

// shardsAfter returns the shards listed after id, in index order: a binary search, because ids
// are zero-padded indexes (shardID) and so sort as the shards do. Paging through ListShards or
// DescribeStream costs O(log n + page) per page, not O(n). "" starts at the first shard.
func (s *stream) shardsAfter(id string) []*shard {
	if id == "" {
		return s.shards
	}
	return s.shards[sort.Search(len(s.shards), func(i int) bool { return s.shards[i].id > id }):]
}

// reindexOpen rebuilds the sorted list of open shards after a reshard.
func (s *stream) reindexOpen() {
	s.open = s.open[:0]
	for _, sh := range s.shards {
		if !sh.closed {
			s.open = append(s.open, sh)
		}
	}
	sort.Slice(s.open, func(i, j int) bool { return s.open[i].start.Cmp(s.open[j].start) < 0 })
}

func (s *stream) maxRecordBytes() int64 { return int64(s.maxRecordKiB) * kib }

// addShard opens a new shard over [start, end] with the given parents.
func (s *stream) addShard(e *Emulator, start, end hashkey.Key, parent, adjacent string, now time.Time) *shard {
	idx := len(s.shards)
	sh := &shard{
		id:               shardID(idx),
		index:            idx,
		start:            start,
		end:              end,
		parentID:         parent,
		adjacentParentID: adjacent,
		prefix:           seqPrefix(s.epoch, idx),
		startingCounter:  s.counter,
		createdAt:        now,
	}
	e.resetShardBuckets(s, sh, now)
	s.shards = append(s.shards, sh)
	return sh
}

// closeShard closes a parent at reshard time; it keeps its records and stays listed.
func (s *stream) closeShard(sh *shard, now time.Time) {
	sh.closed = true
	sh.closedAt = now
	sh.endingCounter = s.counter
}

// resetShardBuckets sizes a shard's buckets from the limits and the stream's record size.
func (e *Emulator) resetShardBuckets(s *stream, sh *shard, now time.Time) {
	l := e.cfg.Limits
	burst := l.ShardBytesBurst
	if burst == 0 {
		burst = max(int64(mib), s.maxRecordBytes())
	}
	sh.writeBytes = newTokenBucket(burst, l.ShardBytesPerSec, now)
	sh.writeRecords = newTokenBucket(l.ShardRecordsBurst, l.ShardRecordsPerSec, now)
	// AWS returns up to 10 MiB per GetRecords and then throttles reads for the next seconds.
	sh.readBytes = newTokenBucket(max(10*mib, l.ShardReadBytesPerSec), l.ShardReadBytesPerSec, now)
	sh.readCalls = newTokenBucket(int64(l.GetRecordsPerShard), int64(l.GetRecordsPerShard), now)
	sh.iterCalls = newTokenBucket(int64(l.ControlPlane.GetShardIteratorPerShard), int64(l.ControlPlane.GetShardIteratorPerShard), now)
}

func streamSeed(seed int64, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64() ^ uint64(seed)
}

// streamNameOK is AWS's rule: 1..128 characters of [a-zA-Z0-9_.-].
func streamNameOK(name string) bool {
	if len(name) < 1 || len(name) > 128 {
		return false
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '.', c == '-':
		default:
			return false
		}
	}
	return true
}
