package producer

import (
	"encoding/base64"
	"encoding/binary"
	"slices"
)

// A PutRecords body carries every record's data in base64, and encoding it was a large part of
// writing the body: encoding/base64 encodes three bytes at a time, at about 1 GB/s. appendBase64
// encodes six bytes at a time, as four pairs of characters looked up by twelve bits, and writes
// the eight characters with one store (TestAppendBase64IsTheStandards).

// base64Pairs[v] is the two characters of the standard alphabet that encode the twelve bits v,
// the first in the low byte (as they are stored, little-endian).
var base64Pairs = func() (t [1 << 12]uint16) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for v := range t {
		t[v] = uint16(alphabet[v>>6]) | uint16(alphabet[v&63])<<8
	}
	return t
}()

// appendBase64 appends src in standard base64 with padding: base64.StdEncoding.AppendEncode's
// bytes.
func appendBase64(dst, src []byte) []byte {
	n := base64.StdEncoding.EncodedLen(len(src))
	dst = slices.Grow(dst, n)
	out := dst[len(dst) : len(dst)+n]
	i, o := 0, 0
	for ; len(src)-i >= 8 && len(out)-o >= 8; i, o = i+6, o+8 { // reads eight bytes, encodes six
		x := binary.BigEndian.Uint64(src[i:])
		binary.LittleEndian.PutUint64(out[o:], uint64(base64Pairs[x>>52])|
			uint64(base64Pairs[x>>40&0xfff])<<16|
			uint64(base64Pairs[x>>28&0xfff])<<32|
			uint64(base64Pairs[x>>16&0xfff])<<48)
	}
	base64.StdEncoding.Encode(out[o:], src[i:]) // i is a multiple of three: the rest encodes alone
	return dst[:len(dst)+n]
}
