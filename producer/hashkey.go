package producer

import (
	"crypto/md5"
	"encoding/binary"
	"math/big"
	"strconv"
)

// hashKey is an unsigned 128-bit Kinesis hash key. Routing runs once per record, so it compares
// two words; big.Int is used only at the edges (parsing, printing).
type hashKey struct{ hi, lo uint64 }

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

func (a hashKey) cmp(b hashKey) int {
	switch {
	case a.hi != b.hi:
		if a.hi < b.hi {
			return -1
		}
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a hashKey) String() string {
	if a.hi == 0 {
		return strconv.FormatUint(a.lo, 10)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.hi)
	binary.BigEndian.PutUint64(b[8:], a.lo)
	return new(big.Int).SetBytes(b[:]).String()
}

// partitionKeyHash is the MD5 of the key's UTF-8 bytes read as a big-endian unsigned integer,
// as Kinesis routes.
func partitionKeyHash(key string) hashKey {
	sum := md5.Sum([]byte(key))
	return hashKey{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

// parseHashKey parses a decimal hash key in [0, 2^128-1] written as Kinesis accepts it:
// 0|[1-9][0-9]{0,38}. (Checked by hand: a regexp cost a microsecond per record.)
func parseHashKey(s string) (hashKey, bool) {
	if len(s) == 0 || len(s) > 39 || (s[0] == '0' && len(s) > 1) {
		return hashKey{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return hashKey{}, false
		}
	}
	if len(s) <= 19 {
		v, err := strconv.ParseUint(s, 10, 64)
		if err == nil {
			return hashKey{0, v}, true
		}
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Cmp(two128) >= 0 {
		return hashKey{}, false
	}
	var b [16]byte
	v.FillBytes(b[:])
	return hashKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}, true
}
