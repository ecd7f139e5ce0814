package tui

import (
	"math"
	"math/big"
)

// hashSpace is 2^128, the size of Kinesis's hash key space.
var hashSpace = new(big.Float).SetInt(new(big.Int).Lsh(big.NewInt(1), 128))

// rangeShare is the fraction of the hash key space between two decimal hash keys (inclusive),
// NaN when they are not numbers. Ranges change only on resharding, so callers cache it.
func rangeShare(start, end string) float64 {
	s, ok1 := new(big.Int).SetString(start, 10)
	e, ok2 := new(big.Int).SetString(end, 10)
	if !ok1 || !ok2 || e.Cmp(s) < 0 {
		return math.NaN()
	}
	n := new(big.Int).Sub(e, s)
	n.Add(n, big.NewInt(1))
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(n), hashSpace).Float64()
	return f
}
