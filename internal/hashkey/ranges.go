package hashkey

import (
	"math/big"
)

// Range is the hash keys [Start, End] a shard owns.
type Range struct{ Start, End Key }

// Contains reports whether k lies in [r.Start, r.End].
func (r Range) Contains(k Key) bool { return r.Start.Cmp(k) <= 0 && k.Cmp(r.End) <= 0 }

// Mid is the key that splits r in two halves, rounded up: SplitShard at Mid gives a lower child
// [Start, Mid−1] and an upper child [Mid, End] of equal width (the upper one larger by one key
// when the width is odd). r must be well formed (Start ≤ End).
func (r Range) Mid() Key {
	s := new(big.Int).Add(r.Start.Big(), r.End.Big())
	s.Add(s, big.NewInt(1))
	return FromBig(s.Rsh(s, 1))
}

// Share is the fraction of the whole hash key space that r covers.
func (r Range) Share() float64 {
	n := new(big.Int).Sub(r.End.Big(), r.Start.Big())
	n.Add(n, big.NewInt(1))
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(n), new(big.Float).SetInt(two128)).Float64()
	return f
}

// Even splits r into n contiguous ranges as CreateStream and UpdateShardCount do: each is
// width/n keys wide and the last one ends at r.End. n must be at least 1.
func (r Range) Even(n int) []Range {
	lo := r.Start.Big()
	size := new(big.Int).Sub(r.End.Big(), lo)
	size.Add(size, big.NewInt(1))
	step := new(big.Int).Div(size, big.NewInt(int64(n)))
	out := make([]Range, n)
	start := lo
	for i := range n {
		end := r.End
		if i < n-1 {
			e := new(big.Int).Add(start, step)
			end = FromBig(e.Sub(e, big.NewInt(1)))
		}
		out[i] = Range{FromBig(start), end}
		start = end.Big()
		start.Add(start, big.NewInt(1))
	}
	return out
}

// Whole is the whole hash key space, [0, 2^128−1].
var Whole = Range{Key{}, Max}

// Points returns up to m distinct keys spread evenly inside r: the centres of m equal slices,
// so each sits well inside the range and never on its edges.
func (r Range) Points(m int) []Key {
	lo := r.Start.Big()
	width := new(big.Int).Sub(r.End.Big(), lo)
	width.Add(width, big.NewInt(1))
	out := make([]Key, 0, m)
	for j := range m {
		p := new(big.Int).Mul(width, big.NewInt(int64(2*j+1)))
		p.Div(p, big.NewInt(int64(2*m)))
		p.Add(p, lo)
		k := FromBig(p)
		if len(out) == 0 || out[len(out)-1] != k {
			out = append(out, k)
		}
	}
	return out
}
