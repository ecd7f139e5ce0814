package workload

import (
	"math"
	"math/rand/v2"
)

// zipfKeys draws key ranks with P(rank r) ∝ 1/r^s over a finite set, by Walker's alias method:
// O(1) per draw for any s > 0 (math/rand's Zipf needs s > 1).
type zipfKeys struct {
	rng    *rand.PCG
	s      float64
	prob   []float64 // exact probability of each rank, for Expected
	thresh []uint64  // alias method: keep i when a uniform uint64 is below thresh[i]...
	alias  []uint32  // ...else take alias[i]
	names  keyTable
	counts *keyCounts
}

func newZipfKeys(s float64, n int, rng *rand.PCG) *zipfKeys {
	k := &zipfKeys{rng: rng, s: s, prob: make([]float64, n), thresh: make([]uint64, n),
		alias: make([]uint32, n), names: newKeyTable("key-", 1, n), counts: newKeyCounts(n)}
	sum := 0.0
	for i := range n {
		k.prob[i] = math.Pow(float64(i+1), -s)
		sum += k.prob[i]
	}
	// Vose's construction: scaled probabilities below 1 borrow from those above.
	scaled := make([]float64, n)
	var small, large []int
	for i := range n {
		k.prob[i] /= sum
		scaled[i] = k.prob[i] * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l, g := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		k.thresh[l] = toThreshold(scaled[l])
		k.alias[l] = uint32(g)
		scaled[g] -= 1 - scaled[l]
		if scaled[g] < 1 {
			large = large[:len(large)-1]
			small = append(small, g)
		}
	}
	for _, i := range append(small, large...) { // rounding leftovers: keep always
		k.thresh[i] = math.MaxUint64
		k.alias[i] = uint32(i)
	}
	return k
}

func toThreshold(p float64) uint64 {
	if p >= 1 {
		return math.MaxUint64
	}
	return uint64(p * (1 << 63) * 2)
}

func (k *zipfKeys) next() (string, string) {
	i := int(uintN(k.rng, uint64(k.counts.len())))
	if k.rng.Uint64() >= k.thresh[i] {
		i = int(k.alias[i])
	}
	k.counts.add(i)
	return k.names.key(i), ""
}

func (k *zipfKeys) topKeys(n int) []KeyShare {
	expected := func(i int) float64 { return k.prob[i] }
	return topShares(n, k.counts, k.names.key, expected)
}

func (k *zipfKeys) spec() KeySpec {
	return KeySpec{Kind: KeysZipf, Exponent: k.s, Count: k.counts.len()}
}
