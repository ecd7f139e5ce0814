package workload

import (
	"errors"
	"fmt"
	"slices"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// ShardRange is one open shard of the stream: the hash keys [Start, End] it owns.
type ShardRange struct {
	ID         string // e.g. "shardId-000000000003"; informational, and a target for "shard:ID"
	Start, End hashkey.Key
}

// Contains reports whether k lies in [r.Start, r.End].
func (r ShardRange) Contains(k hashkey.Key) bool { return r.keys().Contains(k) }

func (r ShardRange) keys() hashkey.Range { return hashkey.Range{Start: r.Start, End: r.End} }

// NewShardRange builds a ShardRange from the decimal strings ListShards returns.
func NewShardRange(id, start, end string) (ShardRange, error) {
	s, ok := hashkey.Parse(start)
	if !ok {
		return ShardRange{}, fmt.Errorf("shard %s: starting %w", id, badHashKey(start))
	}
	e, ok := hashkey.Parse(end)
	if !ok {
		return ShardRange{}, fmt.Errorf("shard %s: ending %w", id, badHashKey(end))
	}
	if s.Cmp(e) > 0 {
		return ShardRange{}, fmt.Errorf("shard %s: starting hash key %s above ending %s", id, start, end)
	}
	return ShardRange{ID: id, Start: s, End: e}, nil
}

func badHashKey(s string) error {
	return fmt.Errorf("hash key %q: want a decimal integer in [0, 2^128-1]", s)
}

// EvenShards returns the ranges Kinesis gives a new stream of n shards: 2^128 split evenly
// (step = 2^128/n, the last shard ends at 2^128−1), with IDs shardId-000000000000 on.
func EvenShards(n int) []ShardRange {
	if n < 1 {
		return nil
	}
	out := make([]ShardRange, n)
	for i, r := range hashkey.Whole.Even(n) {
		out[i] = ShardRange{ID: fmt.Sprintf("shardId-%012d", i), Start: r.Start, End: r.End}
	}
	return out
}

var errNoShards = errors.New("no shards")

// normalizeShards returns a sorted copy of ranges, checking each is well formed and that no two
// overlap (open shards never do; an overlap means the caller passed closed parents too).
func normalizeShards(ranges []ShardRange) ([]ShardRange, error) {
	if len(ranges) == 0 {
		return nil, errNoShards
	}
	out := slices.Clone(ranges)
	slices.SortFunc(out, func(a, b ShardRange) int { return a.Start.Cmp(b.Start) })
	for i, r := range out {
		if r.Start.Cmp(r.End) > 0 {
			return nil, fmt.Errorf("shard %q: starting hash key %s above ending %s", r.ID, r.Start, r.End)
		}
		if i > 0 && out[i-1].End.Cmp(r.Start) >= 0 {
			return nil, fmt.Errorf("shards %q and %q overlap", out[i-1].ID, r.ID)
		}
	}
	return out, nil
}
