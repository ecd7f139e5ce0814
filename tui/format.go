package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/shardstorm/shardstorm/metrics"
)

// dash stands for a figure that does not exist (NaN: not measured, or nothing in the interval).
const dash = "—"

// fmtNum formats a count or rate compactly: 950, 9.5k, 12k, 1.2M.
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	a := math.Abs(v)
	switch {
	case a >= 10e6:
		return fmt.Sprintf("%.0fM", v/1e6)
	case a >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case a >= 10e3:
		return fmt.Sprintf("%.0fk", v/1e3)
	case a >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	case a >= 10 || v == math.Trunc(v): // counts stay integers: 4 shards, not 4.0
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

// fmtBytes formats bytes (or bytes/s) in binary units.
func fmtBytes(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	a := math.Abs(v)
	switch {
	case a >= 1<<30:
		return fmt.Sprintf("%.1fGiB", v/(1<<30))
	case a >= 1<<20:
		return fmt.Sprintf("%.1fMiB", v/(1<<20))
	case a >= 1<<10:
		return fmt.Sprintf("%.0fKiB", v/(1<<10))
	default:
		return fmt.Sprintf("%.0fB", v)
	}
}

// fmtPct formats a percentage without decimals (one below 10 %).
func fmtPct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	if math.Abs(v) < 10 && v != 0 {
		return fmt.Sprintf("%.1f%%", v)
	}
	return fmt.Sprintf("%.0f%%", v)
}

// fmtMs formats milliseconds.
func fmtMs(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// fmtDur formats an elapsed time or an age: 42s, 3m07s, 1h02m.
func fmtDur(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// fmtWindow formats a chart window: 30s, 1m, 10m.
func fmtWindow(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

// width is the printed width of s (styles and wide runes accounted for).
func width(s string) int { return lipgloss.Width(s) }

// fitLine makes one line exactly w cells wide: cut (with an ellipsis) or padded with spaces.
func fitLine(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// fitBlock makes a block exactly w × h: every line fitted, lines cut or padded. Every frame
// goes through it, so no view can overflow the screen whatever it draws.
func fitBlock(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	b.Grow((w + 8) * h)
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		b.WriteString(fitLine(l, w))
	}
	return b.String()
}

// padRight and padLeft align plain (unstyled) text in a column of n cells.
func padRight(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	} else if w > n {
		return ansi.Truncate(s, n, "…")
	}
	return s
}

func padLeft(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return strings.Repeat(" ", n-w) + s
	} else if w > n {
		return ansi.Truncate(s, n, "…")
	}
	return s
}

// joinCols places blocks side by side with a gap; each block is fitted to its width and to the
// tallest block's height.
func joinCols(gap int, widths []int, blocks ...string) string {
	h := 0
	for _, b := range blocks {
		h = max(h, strings.Count(b, "\n")+1)
	}
	cols := make([][]string, len(blocks))
	for i, b := range blocks {
		cols[i] = strings.Split(fitBlock(b, widths[i], h), "\n")
	}
	sp := strings.Repeat(" ", gap)
	var b strings.Builder
	for r := range h {
		if r > 0 {
			b.WriteByte('\n')
		}
		for i := range cols {
			if i > 0 {
				b.WriteString(sp)
			}
			b.WriteString(cols[i][r])
		}
	}
	return b.String()
}

// fmtCount is a count in full with thousands separators (12,345), "—" when unknown: the drain
// screen shows it falling record by record.
func fmtCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dash
	}
	return metrics.Thousands(v)
}
