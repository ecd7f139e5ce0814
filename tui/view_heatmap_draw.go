package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/shardstorm/shardstorm/metrics"
)

// heatGlyphs are the shades of a cell, from idle to at the limit: the heatmap reads without
// colour (NO_COLOR) from these alone, and with colour each shade also has its palette colour.
var heatGlyphs = [...]string{" ", "░", "▒", "▓", "█"}

// heatLevel is the shade of a percentage of the limit: under 1 % blank, then below 35, 70 and
// 95 % (the Shards view's amber and red start at 70 and 95), and at or over 95 % full.
func heatLevel(c metrics.HeatCell) int {
	pct, ok := c.Pct()
	switch {
	case !ok || pct < 1:
		return 0
	case pct >= 95:
		return 4
	case pct >= 70:
		return 3
	case pct >= 35:
		return 2
	}
	return 1
}

// heatThrottleGlyph marks, without colour, a second the shard was throttled in below 95 % (at
// or over 95 % the full shade says it): a hotspot's demand may be gone while the producer still
// drains its backlog into the limit.
const heatThrottleGlyph = "!"

// heatGlyph is a cell's glyph and paint (a level, or throttledPaint): with colour the glyph is
// always the shade and a throttled second has the throttle colour; without colour a throttled
// second below the full shade is "!".
func heatGlyph(c metrics.HeatCell, noColor bool) (glyph string, paint int) {
	lv := heatLevel(c)
	switch {
	case !c.Throttled():
		return heatGlyphs[lv], lv
	case !noColor:
		return heatGlyphs[lv], throttledPaint
	case lv < len(heatGlyphs)-1:
		return heatThrottleGlyph, lv
	}
	return heatGlyphs[lv], lv
}

// throttledPaint is the paint of throttled seconds, after the levels'.
const throttledPaint = len(heatGlyphs)

// The heat palette is sequential: each shade is further along one ramp, light to dark on a light
// terminal (yellow to deep red) and dim to bright on a dark one (purple to pale yellow, after
// inferno), so the hottest cell stands out on both. Throttled seconds are magenta, off the ramp.
var (
	heatPalette = [...]lipgloss.AdaptiveColor{
		{},
		{Light: "#FED976", Dark: "#56106E"},
		{Light: "#FD8D3C", Dark: "#BB3754"},
		{Light: "#E31A1C", Dark: "#F98C0A"},
		{Light: "#800026", Dark: "#FCFFA4"},
	}
	heatThrottleColor = lipgloss.AdaptiveColor{Light: "#A0007A", Dark: "#FF4FD8"}
)

// heatStyles are the heat palette's styles, made from the theme's renderer so that NO_COLOR
// reaches them, and the paints a row is drawn with: a row is many short runs, and lipgloss's
// Render measures and pads each one, which cost milliseconds a frame.
type heatStyles struct {
	of        *theme
	level     [len(heatGlyphs)]lipgloss.Style
	throttled lipgloss.Style
	// Paints of the cells (levels, then throttled) and of the row's label and figure.
	cell                          [len(heatGlyphs) + 1]paint
	selected, hot, value, ok, bad paint
	warn                          paint
}

// paint is a style's escape sequences around plain text (both empty without colour).
type paint struct{ open, close string }

func paintOf(s lipgloss.Style) paint {
	r := s.Render("x")
	i := strings.Index(r, "x")
	return paint{r[:i], r[i+1:]}
}

func (p paint) write(b *strings.Builder, text string) {
	b.WriteString(p.open)
	b.WriteString(text)
	b.WriteString(p.close)
}

func (v *heatmapView) styles(st *theme) *heatStyles {
	if v.style.of != st {
		base := st.Header.UnsetForeground()
		hs := &v.style
		hs.of = st
		for i, c := range heatPalette {
			hs.level[i] = base
			if i > 0 {
				hs.level[i] = base.Foreground(c)
			}
			hs.cell[i] = paintOf(hs.level[i])
		}
		hs.throttled = base.Foreground(heatThrottleColor)
		hs.cell[throttledPaint] = paintOf(hs.throttled)
		hs.selected, hs.hot, hs.value = paintOf(st.Selected), paintOf(st.Warn), paintOf(st.Value)
		hs.ok, hs.warn, hs.bad = paintOf(st.OK), paintOf(st.Warn), paintOf(st.Bad)
	}
	return &v.style
}

func (v *heatmapView) View() string {
	if v.detail != "" {
		return v.det.View()
	}
	if v.e == nil || v.e.snap == nil {
		return "Waiting for the first sample…"
	}
	st := v.e.st
	hs := v.styles(st)
	var b strings.Builder
	b.Grow((v.w + 16) * v.h)
	b.WriteString(v.title(st) + "\n")
	for i := range v.rows {
		v.row(&b, hs, i)
		b.WriteByte('\n')
	}
	if len(v.rows) == 0 {
		b.WriteString(st.Muted.Render("no open shards") + "\n")
	}
	// Time axis under the cells.
	pad := strings.Repeat(" ", heatMarkerW+v.labelW()+1)
	left := "−" + fmtWindow(v.e.window)
	b.WriteString(pad + st.Muted.Render(left+strings.Repeat(" ", max(v.cols-width(left)-3, 1))+"now") + "\n")
	b.WriteString(v.legend(st, hs))
	return b.String()
}

// title says what is shown, most important first (a narrow screen cuts the end): the shards and
// the part of the key space, the bins, the hot key, then what a cell is.
func (v *heatmapView) title(st *theme) string {
	sp := v.span()
	t := st.Title.Render("Heatmap") + st.Muted.Render(" "+fmtNum(float64(sp.n()))+" shards")
	if len(v.zoom) > 0 && sp.n() > 0 {
		from, to := v.position(&v.shards[sp.lo]), v.position(&v.shards[sp.hi-1])
		t += st.Info.Render(" in " + fmtRange(from[0], to[1]) + " of the key space")
	}
	if len(v.rows) < sp.n() {
		t += st.Muted.Render(" in " + fmtNum(float64(len(v.rows))) + " bins (each its max)")
	}
	if v.hot.id != "" {
		t += st.Muted.Render(" · ") + st.Warn.Render("◆ hot key "+quoteKey(v.hot.key)+" on "+shortShard(v.hot.id))
	}
	return t + st.Muted.Render(" · % of limit per second (max of records, bytes)")
}

// quoteKey quotes a partition key for a one-line title, cutting a long one.
func quoteKey(k string) string {
	const maxKey = 24
	if width(k) > maxKey {
		k = padRight(k, maxKey)
	}
	return `"` + k + `"`
}

func (v *heatmapView) legend(st *theme, hs *heatStyles) string {
	var b strings.Builder
	b.WriteString(st.Label.Render("  "))
	for i, l := range []string{"<35%", "<70%", "<95%", "≥95%"} {
		b.WriteString(hs.level[i+1].Render(heatGlyphs[i+1]) + st.Label.Render(" "+l+"  "))
	}
	if v.noColor {
		b.WriteString(st.Label.Render(heatThrottleGlyph + " throttled  "))
	} else {
		b.WriteString(hs.throttled.Render("▓") + st.Label.Render(" throttled  "))
	}
	b.WriteString(st.Warn.Render("◆") + st.Label.Render(" hot key's shard"))
	return b.String()
}

// row draws row i: marker, label, cells in runs of one colour, and the latest second's figure.
func (v *heatmapView) row(b *strings.Builder, hs *heatStyles, i int) {
	r := &v.rows[i]
	selected := i == v.cursor
	if selected {
		hs.selected.write(b, "▸")
		b.WriteByte(' ')
	} else {
		b.WriteString("  ")
	}
	hot := i == v.hotRow
	label := padRight(v.label(r.span, hot), v.labelW())
	switch {
	case selected:
		hs.selected.write(b, label)
	case hot:
		hs.hot.write(b, label)
	default:
		hs.value.write(b, label)
	}
	b.WriteByte(' ')
	cur := -1 // paint of the run: a level, or throttledPaint
	for _, c := range r.cells {
		g, p := heatGlyph(c, v.noColor)
		if p != cur {
			if cur >= 0 {
				b.WriteString(hs.cell[cur].close)
			}
			cur = p
			b.WriteString(hs.cell[cur].open)
		}
		b.WriteString(g)
	}
	if cur >= 0 {
		b.WriteString(hs.cell[cur].close)
	}
	b.WriteByte(' ')
	latest := dash
	pct, ok := r.latest.Pct()
	if ok {
		latest = fmtNum(float64(pct)) + "%"
	}
	switch {
	case r.latest.Throttled():
		hs.bad.write(b, padLeft(latest+"!", heatGutterW))
	case pct >= 95:
		hs.bad.write(b, padLeft(latest+" ", heatGutterW))
	case pct >= 70:
		hs.warn.write(b, padLeft(latest+" ", heatGutterW))
	default:
		hs.ok.write(b, padLeft(latest+" ", heatGutterW))
	}
}

// label names a row: a shard by its number and hash range, a bin by its range and shard count;
// ◆ marks the hot key's shard.
func (v *heatmapView) label(sp shardSpan, hot bool) string {
	mark := " "
	if hot {
		mark = "◆"
	}
	first, last := v.position(&v.shards[sp.lo]), v.position(&v.shards[sp.hi-1])
	rng := fmtRange(first[0], last[1])
	if sp.n() == 1 {
		return mark + padRight(shortShard(v.shards[sp.lo].ShardID), 5) + " " + rng
	}
	return mark + rng + " ×" + fmtNum(float64(sp.n()))
}
