package tui

import (
	"math"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// rangeShare is the fraction of the hash key space between two decimal hash keys (inclusive),
// NaN when they are not hash keys. Ranges change only on resharding, so callers cache it.
func rangeShare(start, end string) float64 {
	s, ok1 := hashkey.Parse(start)
	e, ok2 := hashkey.Parse(end)
	if !ok1 || !ok2 || e.Cmp(s) < 0 {
		return math.NaN()
	}
	return hashkey.Range{Start: s, End: e}.Share()
}
