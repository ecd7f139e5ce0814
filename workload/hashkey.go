package workload

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// HashKey is an unsigned 128-bit Kinesis hash key. Shard ranges and explicit hash keys are
// decimal strings on the wire; comparing two words avoids big.Int on the hot path.
type HashKey struct{ Hi, Lo uint64 }

// MaxHashKey is 2^128−1, the top of the hash key space.
var MaxHashKey = HashKey{^uint64(0), ^uint64(0)}

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// ParseHashKey parses a decimal hash key in [0, 2^128−1] (`0|[1-9][0-9]{0,38}`, as Kinesis
// requires of ExplicitHashKey).
func ParseHashKey(s string) (HashKey, error) {
	if s == "" || len(s) > 39 || (len(s) > 1 && s[0] == '0') || strings.Trim(s, "0123456789") != "" {
		return HashKey{}, fmt.Errorf("hash key %q: want a decimal integer in [0, 2^128-1]", s)
	}
	v, _ := new(big.Int).SetString(s, 10)
	if v.Cmp(two128) >= 0 {
		return HashKey{}, fmt.Errorf("hash key %q: larger than 2^128-1", s)
	}
	return hashKeyFromBig(v), nil
}

// Cmp returns -1, 0 or +1 as a is below, equal to or above b.
func (a HashKey) Cmp(b HashKey) int {
	if c := cmp.Compare(a.Hi, b.Hi); c != 0 {
		return c
	}
	return cmp.Compare(a.Lo, b.Lo)
}

// String returns the decimal form Kinesis uses.
func (a HashKey) String() string { return a.big().String() }

func (a HashKey) big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.Hi)
	binary.BigEndian.PutUint64(b[8:], a.Lo)
	return new(big.Int).SetBytes(b[:])
}

// hashKeyFromBig converts v, which must lie in [0, 2^128−1].
func hashKeyFromBig(v *big.Int) HashKey {
	var b [16]byte
	v.FillBytes(b[:])
	return HashKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// ShardRange is one open shard of the stream: the hash keys [Start, End] it owns.
type ShardRange struct {
	ID         string // e.g. "shardId-000000000003"; informational, and a target for "shard:ID"
	Start, End HashKey
}

// Contains reports whether k lies in [r.Start, r.End].
func (r ShardRange) Contains(k HashKey) bool { return r.Start.Cmp(k) <= 0 && k.Cmp(r.End) <= 0 }

// NewShardRange builds a ShardRange from the decimal strings ListShards returns.
func NewShardRange(id, start, end string) (ShardRange, error) {
	s, err := ParseHashKey(start)
	if err != nil {
		return ShardRange{}, fmt.Errorf("shard %s: starting %w", id, err)
	}
	e, err := ParseHashKey(end)
	if err != nil {
		return ShardRange{}, fmt.Errorf("shard %s: ending %w", id, err)
	}
	r := ShardRange{ID: id, Start: s, End: e}
	if s.Cmp(e) > 0 {
		return ShardRange{}, fmt.Errorf("shard %s: starting hash key %s above ending %s", id, start, end)
	}
	return r, nil
}

// EvenShards returns the ranges Kinesis gives a new stream of n shards: 2^128 split evenly
// (step = 2^128/n, the last shard ends at 2^128−1), with IDs shardId-000000000000 on.
func EvenShards(n int) []ShardRange {
	if n < 1 {
		return nil
	}
	step := new(big.Int).Div(two128, big.NewInt(int64(n)))
	out := make([]ShardRange, n)
	for i := range n {
		start := new(big.Int).Mul(step, big.NewInt(int64(i)))
		end := new(big.Int).Add(start, step)
		end.Sub(end, big.NewInt(1))
		if i == n-1 {
			end.Sub(two128, big.NewInt(1))
		}
		out[i] = ShardRange{ID: fmt.Sprintf("shardId-%012d", i), Start: hashKeyFromBig(start), End: hashKeyFromBig(end)}
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

// pointsInRange returns up to m distinct hash keys spread evenly inside r: the centres of m
// equal slices, so each sits well inside the shard and never on its edges.
func pointsInRange(r ShardRange, m int) []HashKey {
	lo, hi := r.Start.big(), r.End.big()
	width := new(big.Int).Sub(hi, lo)
	width.Add(width, big.NewInt(1))
	out := make([]HashKey, 0, m)
	for j := range m {
		p := new(big.Int).Mul(width, big.NewInt(int64(2*j+1)))
		p.Div(p, big.NewInt(int64(2*m)))
		p.Add(p, lo)
		k := hashKeyFromBig(p)
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out
}
