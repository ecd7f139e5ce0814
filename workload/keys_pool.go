package workload

import "math/rand/v2"

// poolKeys picks uniformly among a fixed set of keys.
type poolKeys struct {
	rng    *rand.PCG
	names  keyTable
	counts *keyCounts
}

func newPoolKeys(n int, rng *rand.PCG) *poolKeys {
	return &poolKeys{rng: rng, names: newKeyTable("key-", 1, n), counts: newKeyCounts(n)}
}

func (k *poolKeys) next() (string, string) {
	i := int(uintN(k.rng, uint64(k.counts.len())))
	k.counts.add(i)
	return k.names.key(i), ""
}

func (k *poolKeys) topKeys(n int) []KeyShare {
	exp := 1 / float64(k.counts.len())
	expected := func(int) float64 { return exp }
	return topShares(n, k.counts, k.names.key, expected)
}

func (k *poolKeys) spec() KeySpec { return KeySpec{Kind: KeysPool, Count: k.counts.len()} }
