package tui

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// The palette: every colour adapts to light and dark terminals (after glow). Colour is never
// the only signal: every coloured figure also carries a glyph or a number.
var (
	colorAccent = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#B4A7FF"}
	colorMuted  = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
	colorText   = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E6E6E6"}
	colorOK     = lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#5FD787"}
	colorWarn   = lipgloss.AdaptiveColor{Light: "#9A6200", Dark: "#FFD75F"}
	colorBad    = lipgloss.AdaptiveColor{Light: "#B3141B", Dark: "#FF6B6B"}
	colorInfo   = lipgloss.AdaptiveColor{Light: "#0B5CAD", Dark: "#6CB6FF"}
	colorBarBg  = lipgloss.AdaptiveColor{Light: "#D0D0D0", Dark: "#3A3A3A"}
	colorTabBg  = lipgloss.AdaptiveColor{Light: "#E4DEFF", Dark: "#3B2F7A"}
)

// theme is every style the dashboard draws with, made from one renderer so NO_COLOR (an
// Ascii renderer) reaches all of them.
type theme struct {
	Title, Header, Label, Value, Muted lipgloss.Style
	Tab, ActiveTab                     lipgloss.Style
	OK, Warn, Bad, Info                lipgloss.Style
	Selected, Status, Error, Frozen    lipgloss.Style
	BarEmpty                           lipgloss.Style
	// Series colours of the charts, in drawing order: offered, put, throttled, capacity.
	Series [4]lipgloss.Style
	// noColor: the charts draw each series with its own glyph (seriesGlyphs), not in colour.
	noColor bool
}

// seriesGlyphs mark the charts' series under NO_COLOR, where colour cannot tell the lines
// apart: offered, put, throttled, capacity (the legend shows the same glyphs).
var seriesGlyphs = [4]string{"o", "#", "x", "-"}

// seriesMark is a series' mark in a legend: its glyph under NO_COLOR, a coloured dot otherwise.
func (s *theme) seriesMark(i int) string {
	if s.noColor {
		return seriesGlyphs[i]
	}
	return s.Series[i].Render("●")
}

// newStyles builds the styles; noColor forces the Ascii profile (no colour, no attributes)
// whatever the terminal supports.
func newStyles(noColor bool) *theme {
	r := lipgloss.DefaultRenderer()
	if noColor {
		r = lipgloss.NewRenderer(io.Discard)
		r.SetHasDarkBackground(true) // nothing to ask: no colour is drawn
		r.SetColorProfile(termenv.Ascii)
	}
	ns := r.NewStyle
	return &theme{
		noColor:   noColor,
		Title:     ns().Bold(true).Foreground(colorAccent),
		Header:    ns().Foreground(colorText),
		Label:     ns().Foreground(colorMuted),
		Value:     ns().Bold(true).Foreground(colorText),
		Muted:     ns().Foreground(colorMuted),
		Tab:       ns().Foreground(colorMuted),
		ActiveTab: ns().Bold(true).Foreground(colorAccent).Background(colorTabBg),
		OK:        ns().Foreground(colorOK),
		Warn:      ns().Foreground(colorWarn),
		Bad:       ns().Bold(true).Foreground(colorBad),
		Info:      ns().Foreground(colorInfo),
		Selected:  ns().Bold(true).Reverse(true),
		Status:    ns().Foreground(colorInfo),
		Error:     ns().Bold(true).Foreground(colorBad),
		Frozen:    ns().Bold(true).Reverse(true).Foreground(colorWarn),
		BarEmpty:  ns().Foreground(colorBarBg),
		Series: [4]lipgloss.Style{
			ns().Foreground(colorMuted),
			ns().Foreground(colorOK),
			ns().Foreground(colorBad),
			ns().Foreground(colorWarn),
		},
	}
}

// level picks the style of a percentage of a limit: green below 70 %, amber to 95 %, red above.
func (s *theme) level(pct float64) lipgloss.Style {
	switch {
	case pct >= 95:
		return s.Bad
	case pct >= 70:
		return s.Warn
	default:
		return s.OK
	}
}
