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
// 95 % (the Shards view's amber and red start at 70 and 95), and at or over 95 % — or throttled,
// which a shard is only at its limit — full.
func heatLevel(c metrics.HeatCell) int {
	pct, ok := c.Pct()
	switch {
	case !ok || pct < 1 && !c.Throttled():
		return 0
	case c.Throttled() || pct >= 95:
		return 4
	case pct >= 70:
		return 3
	case pct >= 35:
		return 2
	}
	return 1
}

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
// reaches them.
type heatStyles struct {
	of        *theme
	level     [len(heatGlyphs)]lipgloss.Style
	throttled lipgloss.Style
}

func (v *heatmapView) styles(st *theme) *heatStyles {
	if v.style.of != st {
		base := st.Header.UnsetForeground()
		v.style.of = st
		for i, c := range heatPalette {
			v.style.level[i] = base
			if i > 0 {
				v.style.level[i] = base.Foreground(c)
			}
		}
		v.style.throttled = base.Foreground(heatThrottleColor)
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
		v.row(&b, st, hs, i)
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
		b.WriteString(st.Label.Render("(█ also throttled; ! throttled now)  "))
	} else {
		b.WriteString(hs.throttled.Render("█") + st.Label.Render(" throttled  "))
	}
	b.WriteString(st.Warn.Render("◆") + st.Label.Render(" hot key's shard"))
	return b.String()
}

// row draws row i: marker, label, cells in runs of one style, and the latest second's figure.
func (v *heatmapView) row(b *strings.Builder, st *theme, hs *heatStyles, i int) {
	r := &v.rows[i]
	selected := i == v.cursor
	if selected {
		b.WriteString(st.Selected.Render("▸") + " ")
	} else {
		b.WriteString("  ")
	}
	hot := i == v.hotRow
	label := padRight(v.label(r.span, hot), v.labelW())
	switch {
	case selected:
		b.WriteString(st.Selected.Render(label))
	case hot:
		b.WriteString(st.Warn.Render(label))
	default:
		b.WriteString(st.Value.Render(label))
	}
	b.WriteByte(' ')
	var run strings.Builder
	cur := -1 // style of the run: a level, or len(heatGlyphs) for throttled
	flush := func() {
		if run.Len() == 0 {
			return
		}
		s := hs.throttled
		if cur < len(heatGlyphs) {
			s = hs.level[cur]
		}
		b.WriteString(s.Render(run.String()))
		run.Reset()
	}
	for _, c := range r.cells {
		lv := heatLevel(c)
		sty := lv
		if c.Throttled() && !v.noColor {
			sty = len(heatGlyphs)
		}
		if sty != cur {
			flush()
			cur = sty
		}
		run.WriteString(heatGlyphs[lv])
	}
	flush()
	b.WriteByte(' ')
	latest := dash
	if pct, ok := r.latest.Pct(); ok {
		latest = fmtNum(float64(pct)) + "%"
	}
	if r.latest.Throttled() {
		b.WriteString(st.Bad.Render(padLeft(latest+"!", heatGutterW)))
	} else {
		b.WriteString(st.level(float64(heatPctOr0(r.latest))).Render(padLeft(latest+" ", heatGutterW)))
	}
}

func heatPctOr0(c metrics.HeatCell) int {
	p, _ := c.Pct()
	return p
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
