package producer

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// shardMap is an immutable snapshot of the stream's open shards, sorted by hash range. The
// producer swaps in a new one on refresh; routing keeps using the old one meanwhile.
type shardMap struct {
	shards   []mapShard
	loadedAt time.Time
	// firstByTop[t] is the first shard that can hold a hash key whose top bits (h.Hi >> topShift)
	// are t: the first ending at or above the smallest such key. Built by index.
	firstByTop []uint32
	topShift   uint
}

type mapShard struct {
	id         string
	start, end hashkey.Key
}

// loadShardMap lists the open shards (ListShards with AT_LATEST, every page).
func loadShardMap(ctx context.Context, api KinesisAPI, ref streamRef) (*shardMap, error) {
	in := &kinesis.ListShardsInput{StreamName: ref.name, StreamARN: ref.arn, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}}
	m := &shardMap{}
	for {
		out, err := api.ListShards(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list shards: %w", err)
		}
		for _, s := range out.Shards {
			if s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil {
				continue // closed; AT_LATEST should not list it, but a peer might
			}
			start, ok1 := hashkey.Parse(aws.ToString(s.HashKeyRange.StartingHashKey))
			end, ok2 := hashkey.Parse(aws.ToString(s.HashKeyRange.EndingHashKey))
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("list shards: shard %s has an unreadable hash key range", aws.ToString(s.ShardId))
			}
			m.shards = append(m.shards, mapShard{id: aws.ToString(s.ShardId), start: start, end: end})
		}
		if out.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	if len(m.shards) == 0 {
		return nil, fmt.Errorf("list shards: the stream has no open shards")
	}
	sort.Slice(m.shards, func(i, j int) bool { return m.shards[i].start.Cmp(m.shards[j].start) < 0 })
	m.index()
	m.loadedAt = time.Now()
	return m, nil
}

// index builds firstByTop for the shards as sorted, with about four entries per shard (at most
// 65,536: 256 KiB for a stream of 10,000 shards), so that locate starts at the shard, or a few
// shards before it. A map's shards must be indexed before it routes.
func (m *shardMap) index() {
	bits := uint(1)
	for 1<<bits < 4*len(m.shards) && bits < 16 {
		bits++
	}
	m.topShift = 64 - bits
	m.firstByTop = make([]uint32, 1<<bits)
	i := 0
	for t := range m.firstByTop {
		least := hashkey.Key{Hi: uint64(t) << m.topShift}
		for i < len(m.shards)-1 && m.shards[i].end.Cmp(least) < 0 {
			i++
		}
		m.firstByTop[t] = uint32(i)
	}
}

// locate is routing: the index of the shard whose hash key range holds h, and true; a map
// caught mid-reshard may leave a gap, and h then gets the next shard above it (the last one
// past the end) and false. The producer's aggregators and ShardMap.ShardOf both route by it.
func (m *shardMap) locate(h hashkey.Key) (int, bool) {
	// The index gives the first shard that can hold h's top bits; shards are split evenly in
	// most streams, so that is h's shard or one before it. (A binary search mispredicted its
	// branches on random hash keys: 71 instructions and ~40 ns a record, callgrind and pprof of
	// BenchmarkProducerInProcess over eight shards.) Comparisons inline, not Key.Cmp.
	i := int(m.firstByTop[h.Hi>>m.topShift])
	for i < len(m.shards) {
		if e := m.shards[i].end; e.Hi > h.Hi || (e.Hi == h.Hi && e.Lo >= h.Lo) {
			break
		}
		i++
	}
	if i == len(m.shards) {
		return i - 1, false
	}
	return i, m.shards[i].start.Cmp(h) <= 0
}

// ShardMap is a snapshot of a stream's open shards that routes records as the producer does,
// for a caller that sends records some other way (a fleet of simple clients keeps no map, but
// its dashboard shows each record's shard). Immutable: load a new one after a reshard.
type ShardMap struct{ m *shardMap }

// LoadShardMap lists the stream's open shards (ListShards, every page), as the producer's
// refresh does.
func LoadShardMap(ctx context.Context, api KinesisAPI, stream string) (*ShardMap, error) {
	m, err := loadShardMap(ctx, api, streamRef{name: aws.String(stream)})
	if err != nil {
		return nil, err
	}
	return &ShardMap{m: m}, nil
}

// ShardOf is the id of the shard the producer routes r to: the open shard its hash key belongs
// to (in a gap of a map caught mid-reshard, the next one, as the producer does); false for a
// record the producer refuses (an unreadable explicit hash key).
func (m *ShardMap) ShardOf(r Record) (string, bool) {
	h, ok := hashOf(r)
	if !ok {
		return "", false
	}
	i, _ := m.m.locate(h)
	return m.m.shards[i].id, true
}

// MapShard is one open shard of a ShardMap: its id and hash key range (decimal, as Kinesis
// writes them).
type MapShard struct{ ID, StartingHashKey, EndingHashKey string }

// Shards lists the map's open shards in hash key order.
func (m *ShardMap) Shards() []MapShard {
	out := make([]MapShard, len(m.m.shards))
	for i, s := range m.m.shards {
		out[i] = MapShard{ID: s.id, StartingHashKey: s.start.String(), EndingHashKey: s.end.String()}
	}
	return out
}

// Has reports whether id is one of the map's open shards.
func (m *ShardMap) Has(id string) bool {
	for _, s := range m.m.shards {
		if s.id == id {
			return true
		}
	}
	return false
}
