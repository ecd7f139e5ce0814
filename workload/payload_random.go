package workload

import (
	"crypto/subtle"
	"math/rand/v2"
	"time"
)

// Small records are carved from slabs, one allocation per slab rather than per record; a slab
// stays in memory until all its records are freed, so only small records share one, and the
// slab is small.
const (
	payloadSlab      = 16 << 10
	slabRecordMaxLen = 512
)

// Random data is the XOR of two slices of two pools of the seed's ChaCha8 output, at offsets
// drawn per record from the same stream: reading ChaCha8 output per record cost about 0.9 ns a
// byte (its Read goes 8 bytes at a time; 90 ns for 100 bytes on this project's VM, 9 % of the
// bench's 1p-100b process), the XOR of two slices about a tenth. A record longer than
// randomChunk is filled chunk by chunk, each with its own offsets.
//
// The data stays incompressible, within a record and across records: two records (or chunks)
// share a run of bytes only if both their offsets differ by the same amount less than their
// length, about 2n/randomPool² for two n-byte records (1 in 20 million at 100 bytes), where
// cutting records from one pool would repeat bytes between two records in 2n/randomPool (1 in
// 330). The pools (128 KiB together) stay in the caches.
const (
	randomPool  = 64 << 10
	randomChunk = 4 << 10
)

// randomPayload fills records with random bytes: fast, deterministic per seed (a record's bytes
// depend on the seed and the sizes of the records made before it, refused ones included), and
// incompressible.
type randomPayload struct {
	rng  *rand.ChaCha8
	a, b []byte // the pools, randomPool bytes each
	// free is the unused end of the current slab.
	free []byte
	// spare is the data of a record the sink refused, filled afresh for a later record that
	// fits it: under overload most records are refused, and each would otherwise be garbage.
	spare []byte
}

func newRandomPayload(seed uint64) *randomPayload {
	p := &randomPayload{rng: newChaCha8(seed, streamPayload, 0), a: make([]byte, randomPool), b: make([]byte, randomPool)}
	_, _ = p.rng.Read(p.a) // ChaCha8.Read never fails
	_, _ = p.rng.Read(p.b)
	return p
}

func (p *randomPayload) make(size, maxData int, _ uint64, _ time.Time) []byte {
	n := clampSize(size, maxData)
	var b []byte
	switch c := cap(p.spare); {
	case c >= n && c <= 2*n: // at most twice the size: a sink may keep it long
		b, p.spare = p.spare[:n], nil
	case n > slabRecordMaxLen:
		b = make([]byte, n)
	default:
		if len(p.free) < n {
			p.free = make([]byte, payloadSlab)
		}
		b, p.free = p.free[:n:n], p.free[n:] // capped: appending cannot run into the next record
	}
	p.fill(b)
	return b
}

// fill writes random bytes over b.
func (p *randomPayload) fill(b []byte) {
	for len(b) > 0 {
		n := min(len(b), randomChunk)
		// Two offsets in [0, randomPool-n] from one draw, each by multiplying 32 random bits.
		u, span := p.rng.Uint64(), uint64(randomPool-n+1)
		x, y := (u&0xffffffff)*span>>32, (u>>32)*span>>32
		subtle.XORBytes(b[:n], p.a[x:x+uint64(n)], p.b[y:y+uint64(n)])
		b = b[n:]
	}
}

// recycle takes back the data of a refused record.
func (p *randomPayload) recycle(b []byte) { p.spare = b }
