package tui

import (
	"fmt"
	"math"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/metrics"
)

// The heatmap's grid: which shards each row holds (one shard, or a bin of neighbours in hash
// order when there are more shards than rows), and each row's cells reduced to the columns.

// shardSpan is the shards lo…hi-1 of the snapshot's list (hash-range order).
type shardSpan struct{ lo, hi int }

func (s shardSpan) n() int { return s.hi - s.lo }

// bins splits span into at most rows contiguous bins, as even as whole shards allow: one shard
// a row when they fit.
func bins(dst []shardSpan, span shardSpan, rows int) []shardSpan {
	dst = dst[:0]
	n := span.n()
	if n <= 0 || rows <= 0 {
		return dst
	}
	k := min(n, rows)
	for b := range k {
		dst = append(dst, shardSpan{span.lo + b*n/k, span.lo + (b+1)*n/k})
	}
	return dst
}

// foldColumns merges seconds (oldest first) into cols columns: each column takes the seconds
// that fall in it (their max), or repeats its second when there are more columns than seconds.
func foldColumns(cols []metrics.HeatCell, seconds []metrics.HeatCell) {
	n, s := len(cols), len(seconds)
	if n == 0 || s == 0 {
		return
	}
	for c := range n {
		s0 := c * s / n
		s1 := max((c+1)*s/n, s0+1)
		for _, cell := range seconds[s0:s1] {
			cols[c] = cols[c].Max(cell)
		}
	}
}

// keyPosition is where a decimal hash key lies in the key space, 0…1; NaN when it is not one.
func keyPosition(s string) float64 {
	k, ok := hashkey.Parse(s)
	if !ok {
		return math.NaN()
	}
	return (float64(k.Hi) + float64(k.Lo)/(1<<64)) / (1 << 64)
}

// fmtRange is a part of the key space in percent, with as many decimals as tell its ends apart:
// "25–50%", "43.8–44.1%".
func fmtRange(from, to float64) string {
	if math.IsNaN(from) || math.IsNaN(to) {
		return dash
	}
	a, b := 100*from, 100*to
	d := 0
	if w := b - a; w > 0 && w < 1 {
		d = min(int(math.Ceil(-math.Log10(w))), 4)
	}
	return fmt.Sprintf("%.*f–%.*f%%", d, a, d, b)
}
