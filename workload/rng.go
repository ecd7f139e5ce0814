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

const hexDigits = "0123456789abcdef"

// appendUUID appends a random (version 4) UUID in its 36-character text form.
func appendUUID(dst []byte, r *rand.PCG) []byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.Uint64())
	binary.BigEndian.PutUint64(b[8:], r.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}
