package workload

import "math/rand/v2"

// uuidBatch is how many random keys are made at once, into one string that they share: one
// allocation per batch rather than per record (a batch stays in memory while any of its keys
// does: 2.3 KB).
const uuidBatch = 64

// randomKeys gives every record a fresh UUID: the even-spread baseline. The keys are the same,
// in the same order, as when they were made one at a time.
type randomKeys struct {
	rng   *rand.PCG
	ahead string // the batch's keys not handed out yet, 36 characters each
}

func (k *randomKeys) next() (string, string) {
	if k.ahead == "" {
		buf := make([]byte, 0, uuidBatch*36)
		for range uuidBatch {
			buf = appendUUID(buf, k.rng)
		}
		k.ahead = string(buf)
	}
	key := k.ahead[:36]
	k.ahead = k.ahead[36:]
	return key, ""
}

// topKeys is empty: no key repeats, so no key stands out.
func (k *randomKeys) topKeys(int) []KeyShare { return nil }
func (k *randomKeys) spec() KeySpec          { return KeySpec{Kind: KeysRandom} }
