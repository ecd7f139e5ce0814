package hashkey

import (
	"cmp"
	"crypto/md5"
	"encoding/binary"
	"math/big"
	"strconv"
)

// Key is an unsigned 128-bit hash key, Hi the upper 64 bits. Routing runs once per record, so
// keys compare as two words; big.Int appears only at the edges (parsing, printing, splitting).
type Key struct{ Hi, Lo uint64 }

// Max is 2^128−1, the top of the hash key space.
var Max = Key{^uint64(0), ^uint64(0)}

// two128 is 2^128, one past Max.
var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// OfPartitionKey is the hash key Kinesis routes a record by: the MD5 of the partition key's
// UTF-8 bytes read as a big-endian unsigned integer.
func OfPartitionKey(partitionKey string) Key {
	// A stack buffer for the key's bytes: []byte(partitionKey) only stays off the heap up to 32
	// bytes, and a UUID (36) then cost an allocation per record. A key of at most 256 UTF-16
	// units is at most 256 bytes unless it is not ASCII.
	var buf [256]byte
	sum := md5.Sum(append(buf[:0], partitionKey...))
	return Key{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

// Parse reads a decimal hash key written as Kinesis accepts an ExplicitHashKey or a
// NewStartingHashKey, `0|[1-9][0-9]{0,38}` with a value in [0, 2^128−1]; ok is false for
// anything else. It is checked by hand and allocates nothing below 2^64: the producer parses one
// per record that carries an explicit hash key (a regexp cost a microsecond each).
func Parse(s string) (k Key, ok bool) {
	if len(s) == 0 || len(s) > 39 || (s[0] == '0' && len(s) > 1) {
		return Key{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Key{}, false
		}
	}
	if len(s) <= 19 {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return Key{0, v}, true
		}
	}
	v, _ := new(big.Int).SetString(s, 10) // digits only: cannot fail
	if v.Cmp(two128) >= 0 {
		return Key{}, false
	}
	return FromBig(v), true
}

// String is the decimal form Kinesis uses on the wire.
func (a Key) String() string {
	if a.Hi == 0 {
		return strconv.FormatUint(a.Lo, 10)
	}
	return a.Big().String()
}

// Cmp returns -1, 0 or +1 as a is below, equal to or above b.
func (a Key) Cmp(b Key) int {
	if c := cmp.Compare(a.Hi, b.Hi); c != 0 {
		return c
	}
	return cmp.Compare(a.Lo, b.Lo)
}

// Add1 is a+1, wrapping at Max.
func (a Key) Add1() Key {
	lo := a.Lo + 1
	hi := a.Hi
	if lo == 0 {
		hi++
	}
	return Key{hi, lo}
}

// Sub1 is a−1, wrapping at 0.
func (a Key) Sub1() Key {
	hi := a.Hi
	if a.Lo == 0 {
		hi--
	}
	return Key{hi, a.Lo - 1}
}

// Big returns a as a new big.Int.
func (a Key) Big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.Hi)
	binary.BigEndian.PutUint64(b[8:], a.Lo)
	return new(big.Int).SetBytes(b[:])
}

// FromBig converts v, which must lie in [0, 2^128−1].
func FromBig(v *big.Int) Key {
	var b [16]byte
	v.FillBytes(b[:])
	return Key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}
