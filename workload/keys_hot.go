package workload

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
)

// hotKeys sends a fraction of the records to one key, "hot", and the rest to another strategy:
// the classic cause of one throttled shard in an otherwise idle stream. The fraction can be
// changed while running (SetHotFraction) without rebuilding the rest.
type hotKeys struct {
	rng       *rand.PCG
	fraction  atomic.Uint64 // float64 bits
	rest      keyStrategy
	hotCount  atomic.Uint64
	restCount atomic.Uint64
}

func newHotKeys(f float64, rest keyStrategy, rng *rand.PCG) *hotKeys {
	k := &hotKeys{rng: rng, rest: rest}
	k.setFraction(f)
	return k
}

func (k *hotKeys) setFraction(f float64) { k.fraction.Store(math.Float64bits(f)) }
func (k *hotKeys) getFraction() float64  { return math.Float64frombits(k.fraction.Load()) }

func (k *hotKeys) next() (string, string) {
	if float64From(k.rng.Uint64()) < k.getFraction() {
		k.hotCount.Add(1)
		return hotKey, ""
	}
	k.restCount.Add(1)
	return k.rest.next()
}

func (k *hotKeys) topKeys(n int) []KeyShare {
	if n <= 0 {
		return nil
	}
	f := k.getFraction()
	hot, rest := k.hotCount.Load(), k.restCount.Load()
	total := float64(hot + rest)
	out := []KeyShare{{Key: hotKey, Expected: f, Count: hot}}
	out = append(out, k.rest.topKeys(n-1)...)
	for i := range out {
		if i > 0 {
			out[i].Expected *= 1 - f
		}
		out[i].Observed = 0
		if total > 0 {
			out[i].Observed = float64(out[i].Count) / total
		}
	}
	return out
}

func (k *hotKeys) spec() KeySpec {
	r := k.rest.spec()
	s := KeySpec{Kind: KeysHot, Fraction: k.getFraction()}
	if r.kind() != KeysRandom {
		s.Rest = &r
	}
	return s
}

func (k *hotKeys) setShards(shards []ShardRange) error {
	if sa, ok := k.rest.(shardAware); ok {
		return sa.setShards(shards)
	}
	return nil
}
