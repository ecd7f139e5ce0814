package workload

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// Each part of a record draws from its own stream of the seed, so changing one part of a spec
// (say the sizes) leaves the keys and payloads of the same seed unchanged.
const (
	streamKeys    = 0x6b657973 // "keys"
	streamHot     = 0x686f7421 // "hot!"
	streamSizes   = 0x73697a65 // "size"
	streamPayload = 0x7061796c // "payl"
)

// newPCG returns the PCG for one stream of seed; generation g > 0 is used for strategies
// swapped in while running, so they do not replay the sequence of the one they replace.
func newPCG(seed, stream, generation uint64) *rand.PCG {
	return rand.NewPCG(seed^(generation*0x9e3779b97f4a7c15), stream)
}

func newChaCha8(seed, stream, generation uint64) *rand.ChaCha8 {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[0:], seed)
	binary.LittleEndian.PutUint64(s[8:], stream)
	binary.LittleEndian.PutUint64(s[16:], generation)
	binary.LittleEndian.PutUint64(s[24:], 0x73686172_6473746d) // "shardstm"
	return rand.NewChaCha8(s)
}

// uintN returns a uniform value in [0, n), n > 0, by Lemire's multiply-and-reject method: one
// multiplication instead of a division in the common case.
func uintN(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// float64From maps a uniform uint64 to [0, 1) with 53 bits.
func float64From(u uint64) float64 { return float64(u>>11) * 0x1p-53 }

// appendUUID appends a random (version 4) UUID in its 36-character text form: the two draws
// big-endian, version and variant bits set. The random-key strategy makes one per record, so
// the digits are made eight at a time in a word (hexDigits8) rather than appended byte by byte
// (520 instructions a key with the draws before, 220 now).
func appendUUID(dst []byte, r *rand.PCG) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000       // version 4: the high nibble of byte 6
	lo = lo&^(0xc0<<56) | 0x80<<56 // variant 10: the top bits of byte 8
	var s [36]byte
	binary.BigEndian.PutUint64(s[0:], hexDigits8(uint32(hi>>32)))
	d := hexDigits8(uint32(hi))
	binary.BigEndian.PutUint32(s[9:], uint32(d>>32))
	binary.BigEndian.PutUint32(s[14:], uint32(d))
	d = hexDigits8(uint32(lo >> 32))
	binary.BigEndian.PutUint32(s[19:], uint32(d>>32))
	binary.BigEndian.PutUint32(s[24:], uint32(d))
	binary.BigEndian.PutUint64(s[28:], hexDigits8(uint32(lo)))
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return append(dst, s[:]...)
}

// hexDigits8 returns the 8 lower-case hex digits of x, most significant first when stored
// big-endian: each nibble is spread to a byte of its own, and the bytes of 10 and above move
// from '0'+d to 'a'+d-10 by adding 39 where adding 6 carried into bit 4.
func hexDigits8(x uint32) uint64 {
	v := uint64(x)
	v = v&0xffff | v&0xffff0000<<16
	v = v&0x000000ff000000ff | v&0x0000ff000000ff00<<8
	v = v&0x000f000f000f000f | v&0x00f000f000f000f0<<4
	ten := (v + 0x0606060606060606) >> 4 & 0x0101010101010101
	return v + 0x3030303030303030 + ten*39
}
