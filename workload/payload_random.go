package workload

import (
	"math/rand/v2"
	"time"
)

// randomPayload fills records with ChaCha8 output: fast (it is vectorised), deterministic per
// seed, and incompressible.
type randomPayload struct {
	rng *rand.ChaCha8
	// spare is the data of a record the sink refused, filled afresh for a later record that
	// fits it: under overload most records are refused, and each would otherwise be garbage.
	spare []byte
}

func (p *randomPayload) make(size, maxData int, _ uint64, _ time.Time) []byte {
	n := clampSize(size, maxData)
	var b []byte
	if c := cap(p.spare); c >= n && c <= 2*n { // at most twice the size: a sink may keep it long
		b, p.spare = p.spare[:n], nil
	} else {
		b = make([]byte, n)
	}
	_, _ = p.rng.Read(b) // ChaCha8.Read never fails; the bytes are the seed's stream either way
	return b
}

// recycle takes back the data of a refused record.
func (p *randomPayload) recycle(b []byte) { p.spare = b }
