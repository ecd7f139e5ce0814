package workload

import (
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

// randomPayload fills records with ChaCha8 output: fast (it is vectorised), deterministic per
// seed, and incompressible. Each record is filled as it is made, so its bytes are the next ones
// of the seed's stream however it is allocated.
type randomPayload struct {
	rng *rand.ChaCha8
	// free is the unused end of the current slab.
	free []byte
	// spare is the data of a record the sink refused, filled afresh for a later record that
	// fits it: under overload most records are refused, and each would otherwise be garbage.
	spare []byte
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
	_, _ = p.rng.Read(b) // ChaCha8.Read never fails
	return b
}

// recycle takes back the data of a refused record.
func (p *randomPayload) recycle(b []byte) { p.spare = b }
