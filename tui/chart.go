package tui

import (
	"math"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Charts are drawn here from a fixed window of Store.Series, not with a retained chart widget:
// the cost is bounded by the screen (one pass over at most window/interval points per series)
// and nothing accumulates over a long run.

// sparkGlyphs are the eight heights of a sparkline cell, blank for an interval with no data.
var sparkGlyphs = []rune("▁▂▃▄▅▆▇█")

// bucketMax reduces points to n columns over [from, to]: each column keeps the largest value
// that falls in it; NaN marks a column without data.
func bucketMax(dst []float64, pts []metrics.Point, from, to time.Time, n int) []float64 {
	dst = dst[:0]
	for range n {
		dst = append(dst, math.NaN())
	}
	span := to.Sub(from)
	if n == 0 || span <= 0 {
		return dst
	}
	for _, p := range pts {
		if p.T.Before(from) || p.T.After(to) || math.IsNaN(p.V) {
			continue
		}
		i := int(float64(p.T.Sub(from)) / float64(span) * float64(n))
		i = min(max(i, 0), n-1)
		if math.IsNaN(dst[i]) || p.V > dst[i] {
			dst[i] = p.V
		}
	}
	return dst
}

// sparkline draws columns as one row of bar glyphs scaled to top (top <= 0: the largest value).
func sparkline(cols []float64, top float64) string {
	if top <= 0 {
		for _, v := range cols {
			if !math.IsNaN(v) {
				top = max(top, v)
			}
		}
	}
	var b strings.Builder
	for _, v := range cols {
		switch {
		case math.IsNaN(v):
			b.WriteByte(' ')
		case top <= 0 || v <= 0:
			b.WriteRune(sparkGlyphs[0])
		default:
			i := int(math.Round(v / top * float64(len(sparkGlyphs)-1)))
			b.WriteRune(sparkGlyphs[min(max(i, 0), len(sparkGlyphs)-1)])
		}
	}
	return b.String()
}

// bar draws a level as a horizontal bar of n cells with the percentage beside it, so the
// figure reads without colour.
func bar(st *theme, level, capacity float64, n int) string {
	if math.IsNaN(level) || math.IsNaN(capacity) || capacity <= 0 {
		return padRight(dash, n+5)
	}
	f := min(max(level/capacity, 0), 1)
	full := int(math.Round(f * float64(n)))
	// A nearly empty bucket is the signal (the limiter is holding records back): colour it.
	style := st.OK
	switch {
	case f < 0.1:
		style = st.Bad
	case f < 0.3:
		style = st.Warn
	}
	return style.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", n-full)) +
		padLeft(fmtPct(f*100), 5)
}

// brailleChart plots series as lines on a w × h grid of braille cells (2 × 4 dots each), x by
// time over [from, to], y from 0 to top. ref, when positive, is drawn as a dotted horizontal
// line (the capacity). Later series draw over earlier ones.
type brailleChart struct {
	w, h     int
	from, to time.Time
	top      float64
	dots     []uint8 // braille bits per cell
	owner    []int8  // series index that last drew in the cell; -1: none
	cols     []float64
}

func newBrailleChart(w, h int, from, to time.Time, top float64) *brailleChart {
	c := &brailleChart{w: w, h: h, from: from, to: to, top: top}
	c.dots = make([]uint8, w*h)
	c.owner = make([]int8, w*h)
	for i := range c.owner {
		c.owner[i] = -1
	}
	return c
}

// brailleBit is the bit of dot (x, y) within a cell, x in 0..1, y in 0..3 from the top.
var brailleBit = [2][4]uint8{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

func (c *brailleChart) set(x, y int, series int8) {
	if x < 0 || y < 0 || x >= 2*c.w || y >= 4*c.h {
		return
	}
	i := (y/4)*c.w + x/2
	c.dots[i] |= brailleBit[x%2][y%4]
	c.owner[i] = series
}

// yDot maps a value to a dot row (0 at the top).
func (c *brailleChart) yDot(v float64) int {
	rows := 4 * c.h
	if c.top <= 0 {
		return rows - 1
	}
	f := min(max(v/c.top, 0), 1)
	return rows - 1 - int(math.Round(f*float64(rows-1)))
}

// line plots one series, joining neighbouring columns with vertical runs so steps read as lines.
func (c *brailleChart) line(pts []metrics.Point, series int8) {
	c.cols = bucketMax(c.cols, pts, c.from, c.to, 2*c.w)
	prev := -1
	for x, v := range c.cols {
		if math.IsNaN(v) {
			prev = -1
			continue
		}
		y := c.yDot(v)
		lo, hi := y, y
		if prev >= 0 {
			lo, hi = min(y, prev), max(y, prev)
		}
		for yy := lo; yy <= hi; yy++ {
			c.set(x, yy, series)
		}
		prev = y
	}
}

// refLine draws a dotted horizontal line at v.
func (c *brailleChart) refLine(v float64, series int8) int {
	y := c.yDot(v)
	for x := 0; x < 2*c.w; x += 3 {
		c.set(x, y, series)
	}
	return y / 4
}

// render returns h rows of w cells, each run of one series in its style; under NO_COLOR each
// series' cells are its glyph (seriesGlyphs) instead of braille, so the lines are told apart.
func (c *brailleChart) render(st *theme) []string {
	styles := st.Series[:]
	rows := make([]string, c.h)
	var b, run strings.Builder
	for r := range c.h {
		b.Reset()
		cur := int8(-2)
		flush := func() {
			if run.Len() == 0 {
				return
			}
			if cur >= 0 && int(cur) < len(styles) {
				b.WriteString(styles[cur].Render(run.String()))
			} else {
				b.WriteString(run.String())
			}
			run.Reset()
		}
		for x := range c.w {
			i := r*c.w + x
			o := c.owner[i]
			if o != cur {
				flush()
				cur = o
			}
			switch {
			case c.dots[i] == 0:
				run.WriteByte(' ')
			case st.noColor && o >= 0 && int(o) < len(seriesGlyphs):
				run.WriteString(seriesGlyphs[o])
			default:
				run.WriteRune(rune(0x2800 + int(c.dots[i])))
			}
		}
		flush()
		rows[r] = b.String()
	}
	return rows
}

// axisWidth is the width of a chart's y axis: its widest label (the top, the reference line
// when there is one, 0) and the tick, so no label is ever cut.
func axisWidth(fmtY func(float64) string, top, ref float64) int {
	w := max(width(fmtY(top)), 1)
	if ref > 0 {
		w = max(w, width(fmtY(ref)))
	}
	return w + 1
}

// chartBlock is a chart with a y axis of width labelW (axisWidth): labels at the top (top
// value), at the reference row (ref) and at the bottom (0).
func chartBlock(st *theme, c *brailleChart, labelW int, ref float64, refRow int, fmtY func(float64) string) string {
	rows := c.render(st)
	var b strings.Builder
	for r, row := range rows {
		label := ""
		switch {
		case r == 0:
			label = fmtY(c.top)
		case ref > 0 && r == refRow:
			label = fmtY(ref)
		case r == len(rows)-1:
			label = "0"
		}
		if r > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(st.Muted.Render(padLeft(label, labelW-1) + "┤"))
		b.WriteString(row)
	}
	return b.String()
}

// niceTop rounds a chart's top up to a round number (1, 1.2, 1.5, 2, 2.5 or 5 × 10^k) so the
// axis labels read well without wasting much height.
func niceTop(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// maxOf is the largest value of some point sets.
func maxOf(sets ...[]metrics.Point) float64 {
	m := 0.0
	for _, s := range sets {
		for _, p := range s {
			if !math.IsNaN(p.V) && p.V > m {
				m = p.V
			}
		}
	}
	return m
}
