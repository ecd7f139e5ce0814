package workload

import "math/rand/v2"

// poolKeys picks uniformly among a fixed set of keys.
type poolKeys struct {
	rng    *rand.PCG
	names  keyTable
	counts keyCounts
}

func newPoolKeys(n int, rng *rand.PCG) *poolKeys {
	return &poolKeys{rng: rng, names: newKeyTable("key-", 1, n), counts: make(keyCounts, n)}
}

func (k *poolKeys) next() (string, string) {
	i := int(uintN(k.rng, uint64(len(k.counts))))
	k.counts[i].Add(1)
	return k.names.key(i), ""
}

func (k *poolKeys) topKeys(n int) []KeyShare {
	exp := 1 / float64(len(k.counts))
	expected := func(int) float64 { return exp }
	return shares(topIndexes(n, k.counts, expected), k.counts, k.names.key, expected)
}

func (k *poolKeys) spec() KeySpec { return KeySpec{Kind: KeysPool, Count: len(k.counts)} }
