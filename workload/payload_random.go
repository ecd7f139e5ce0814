package workload

import (
	"math/rand/v2"
	"time"
)

// Small records are carved from slabs of random bytes, one allocation per slab rather than per
// record; a slab stays in memory until all its records are freed, so only small records share
// one, and the slab is small.
const (
	payloadSlab      = 16 << 10
	slabRecordMaxLen = 512
)

// randomPayload fills records with ChaCha8 output: fast (it is vectorised), deterministic per
// seed, and incompressible. Every record's bytes are the next ones of the seed's stream, however
// they are allocated.
type randomPayload struct {
	rng *rand.ChaCha8
	// ahead is the stream's next bytes, read in advance: the unused end of the current slab.
	ahead []byte
	// spare is the data of a record the sink refused, filled afresh for a later record that
	// fits it: under overload most records are refused, and each would otherwise be garbage.
	spare []byte
}

func (p *randomPayload) make(size, maxData int, _ uint64, _ time.Time) []byte {
	n := clampSize(size, maxData)
	if c := cap(p.spare); c >= n && c <= 2*n { // at most twice the size: a sink may keep it long
		b := p.spare[:n]
		p.spare = nil
		p.fill(b)
		return b
	}
	if n > slabRecordMaxLen {
		b := make([]byte, n)
		p.fill(b)
		return b
	}
	if len(p.ahead) < n {
		slab := make([]byte, payloadSlab)
		k := copy(slab, p.ahead)
		_, _ = p.rng.Read(slab[k:]) // ChaCha8.Read never fails
		p.ahead = slab
	}
	b := p.ahead[:n:n] // capped: appending to it cannot run into the next record
	p.ahead = p.ahead[n:]
	return b
}

// fill fills b with the stream's next bytes.
func (p *randomPayload) fill(b []byte) {
	k := copy(b, p.ahead)
	p.ahead = p.ahead[k:]
	_, _ = p.rng.Read(b[k:])
}

// recycle takes back the data of a refused record.
func (p *randomPayload) recycle(b []byte) { p.spare = b }
