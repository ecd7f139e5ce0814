package emulator

import (
	"crypto/md5"
	"encoding/binary"
	"math/big"
	"regexp"
)

// hashKey is an unsigned 128-bit hash key. Shard lookup runs per record, so it compares two
// words instead of allocating big.Ints; big.Int is used only to parse and print.
type hashKey struct{ hi, lo uint64 }

var (
	maxHashKey    = hashKey{^uint64(0), ^uint64(0)}
	explicitHKFmt = regexp.MustCompile(`^(0|[1-9][0-9]{0,38})$`)
	two128        = new(big.Int).Lsh(big.NewInt(1), 128)
)

func (a hashKey) cmp(b hashKey) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a hashKey) add1() hashKey {
	lo := a.lo + 1
	hi := a.hi
	if lo == 0 {
		hi++
	}
	return hashKey{hi, lo}
}

func (a hashKey) sub1() hashKey {
	lo := a.lo - 1
	hi := a.hi
	if a.lo == 0 {
		hi--
	}
	return hashKey{hi, lo}
}

func (a hashKey) big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.hi)
	binary.BigEndian.PutUint64(b[8:], a.lo)
	return new(big.Int).SetBytes(b[:])
}

func (a hashKey) String() string { return a.big().String() }

// hashKeyFromBig converts v, which must lie in [0, 2^128-1].
func hashKeyFromBig(v *big.Int) hashKey {
	var b [16]byte
	v.FillBytes(b[:])
	return hashKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// partitionKeyHash is the MD5 of the key's UTF-8 bytes read as a big-endian unsigned integer.
func partitionKeyHash(key string) hashKey {
	sum := md5.Sum([]byte(key))
	return hashKey{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

// parseHashKey parses a decimal hash key; ok is false unless it is `0|[1-9][0-9]{0,38}` with a
// value in [0, 2^128-1] (the rule for ExplicitHashKey and NewStartingHashKey).
func parseHashKey(s string) (hashKey, bool) {
	if !explicitHKFmt.MatchString(s) {
		return hashKey{}, false
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Cmp(two128) >= 0 {
		return hashKey{}, false
	}
	return hashKeyFromBig(v), true
}

// evenHashRanges splits [lo, hi] into n contiguous ranges as CreateStream does over the whole
// space: step = size / n and the last range ends at hi.
func evenHashRanges(lo, hi hashKey, n int) [][2]hashKey {
	size := new(big.Int).Add(new(big.Int).Sub(hi.big(), lo.big()), big.NewInt(1))
	step := new(big.Int).Div(size, big.NewInt(int64(n)))
	out := make([][2]hashKey, n)
	start := lo.big()
	for i := range n {
		end := new(big.Int).Sub(new(big.Int).Add(start, step), big.NewInt(1))
		if i == n-1 {
			end = hi.big()
		}
		out[i] = [2]hashKey{hashKeyFromBig(start), hashKeyFromBig(end)}
		start = new(big.Int).Add(end, big.NewInt(1))
	}
	return out
}
