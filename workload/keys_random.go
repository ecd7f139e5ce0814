package workload

import "math/rand/v2"

// randomKeys gives every record a fresh UUID: the even-spread baseline.
type randomKeys struct{ rng *rand.PCG }

func (k *randomKeys) next() (string, string) {
	var buf [36]byte
	return string(appendUUID(buf[:0], k.rng)), ""
}

// topKeys is empty: no key repeats, so no key stands out.
func (k *randomKeys) topKeys(int) []KeyShare { return nil }
func (k *randomKeys) spec() KeySpec          { return KeySpec{Kind: KeysRandom} }
