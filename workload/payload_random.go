package workload

import (
	"math/rand/v2"
	"time"
)

// randomPayload fills records with ChaCha8 output: fast (it is vectorised), deterministic per
// seed, and incompressible.
type randomPayload struct{ rng *rand.ChaCha8 }

func (p *randomPayload) make(size, maxData int, _ uint64, _ time.Time) []byte {
	b := make([]byte, clampSize(size, maxData))
	_, _ = p.rng.Read(b) // ChaCha8.Read never fails
	return b
}
