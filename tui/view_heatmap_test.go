package tui

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/shardstorm/shardstorm/metrics"
)

// heatmapModel is the dashboard on the Heatmap view at w × h, with or without colour.
func heatmapModel(src Source, w, h int, noColor bool) Model {
	m := NewModel(src, newFakeControls(), Options{Now: fixedNow, View: ViewHeatmap, NoColor: noColor})
	return update(m, tea.WindowSizeMsg{Width: w, Height: h})
}

func heatmapOf(m Model) *heatmapView { return m.s.comps[ViewHeatmap].(*heatmapView) }

// The heatmap's frames: the fixture's 4 shards (shard 0 hot and throttled), 64 shards binned,
// a bin zoomed into, a shard's details opened from the map, and the view's keys on the ? screen; in colour and under NO_COLOR
// (goldens are colour-free: the two differ in how throttled seconds are told).
func TestGoldenHeatmap(t *testing.T) {
	cases := []struct {
		name   string
		shards int
		keys   []string
	}{
		{"Shards4", 4, nil},
		{"Binned64", 64, nil},
		{"Zoomed64", 64, []string{"down", "enter"}},
		{"Detail", 4, []string{"down", "enter"}},
		{"Help", 64, []string{"?"}},
	}
	for _, c := range cases {
		src := newFixture(t, c.shards)
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			for _, noColor := range []bool{false, true} {
				mode := "Colour"
				if noColor {
					mode = "NoColor"
				}
				t.Run(fmt.Sprintf("%s_%s_%dx%d", c.name, mode, sz[0], sz[1]), func(t *testing.T) {
					synctest.Test(t, func(t *testing.T) {
						m := press(t, heatmapModel(src, sz[0], sz[1], noColor), c.keys...)
						goldenFrame(t, m, sz[0], sz[1])
					})
				})
			}
		}
	}
}

// Rows are contiguous bins of shards in hash order, as even as whole shards allow, one shard a
// row when they fit.
func TestHeatmapBins(t *testing.T) {
	for _, c := range []struct {
		span       shardSpan
		rows       int
		wantN      int
		minB, maxB int
	}{
		{shardSpan{0, 4}, 16, 4, 1, 1},
		{shardSpan{0, 64}, 16, 16, 4, 4},
		{shardSpan{0, 10_000}, 16, 16, 625, 625},
		{shardSpan{0, 1000}, 37, 37, 27, 28},
		{shardSpan{625, 1250}, 16, 16, 39, 40},
	} {
		got := bins(nil, c.span, c.rows)
		if len(got) != c.wantN {
			t.Errorf("%v in %d rows: %d bins, want %d", c.span, c.rows, len(got), c.wantN)
			continue
		}
		next := c.span.lo
		for _, b := range got {
			if b.lo != next || b.n() < c.minB || b.n() > c.maxB {
				t.Errorf("%v in %d rows: bin %v (after %d), want contiguous bins of %d…%d", c.span, c.rows, b, next, c.minB, c.maxB)
			}
			next = b.hi
		}
		if next != c.span.hi {
			t.Errorf("%v in %d rows: bins end at %d", c.span, c.rows, next)
		}
	}
}

// A column over several seconds shows their max and any throttle; with more columns than
// seconds each second spans whole columns; a second without data stays empty.
func TestHeatmapColumns(t *testing.T) {
	cell := func(p float64, thr bool) metrics.HeatCell { return metrics.MakeHeatCell(p, thr) }
	none := metrics.NoHeat
	secs := []metrics.HeatCell{cell(10, false), cell(80, false), none, none, cell(40, true), cell(5, false)}
	cols := []metrics.HeatCell{none, none, none}
	foldColumns(cols, secs)
	want := []metrics.HeatCell{cell(80, false), none, cell(40, true)}
	for i := range want {
		if cols[i] != want[i] {
			t.Errorf("3 columns over 6 seconds: column %d is %v, want %v", i, cols[i], want[i])
		}
	}
	wide := make([]metrics.HeatCell, 4)
	for i := range wide {
		wide[i] = none
	}
	foldColumns(wide, []metrics.HeatCell{cell(10, false), cell(99, false)})
	if wide[0] != cell(10, false) || wide[1] != cell(10, false) || wide[2] != cell(99, false) || wide[3] != cell(99, false) {
		t.Errorf("4 columns over 2 seconds: %v", wide)
	}
	// The shades, and throttled seconds: with colour the shade in the throttle colour, without
	// colour "!" below the full shade.
	for _, c := range []struct {
		cell             metrics.HeatCell
		colour, noColour string
		throttlePaint    bool
	}{
		{none, " ", " ", false}, {cell(0, false), " ", " ", false}, {cell(20, false), "░", "░", false},
		{cell(50, false), "▒", "▒", false}, {cell(80, false), "▓", "▓", false}, {cell(95, false), "█", "█", false},
		{cell(30, true), "░", "!", true}, {cell(120, true), "█", "█", true},
	} {
		g, p := heatGlyph(c.cell, false)
		if g != c.colour || (p == throttledPaint) != c.throttlePaint {
			t.Errorf("cell %v in colour draws %q (paint %d), want %q, throttle colour %v", c.cell, g, p, c.colour, c.throttlePaint)
		}
		if g, _ := heatGlyph(c.cell, true); g != c.noColour {
			t.Errorf("cell %v without colour draws %q, want %q", c.cell, g, c.noColour)
		}
	}
}

// The cursor moves over the rows; enter on a bin narrows the map to its shards, enter on a shard
// opens its details, and esc (or backspace) goes back one step at a time, the cursor back on the
// bin it came from. The window keys change the map's time span.
func TestHeatmapZoomCursorAndDetails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFixture(t, 64)
		m := heatmapModel(src, 80, 24, true)
		v := heatmapOf(m)
		if len(v.rows) != 16 || v.rows[3].span != (shardSpan{12, 16}) {
			t.Fatalf("64 shards at 80×24: %d rows, row 3 %v; want 16 bins of 4", len(v.rows), v.rows[3].span)
		}
		frame := m.View()
		for _, want := range []string{"64 shards in 16 bins", "19–25% ×4", "◆0–6% ×4", "−1m"} {
			if !strings.Contains(frame, want) {
				t.Errorf("binned frame lacks %q:\n%s", want, frame)
			}
		}
		m = press(t, m, "down", "down", "down", "enter")
		if len(v.rows) != 4 || v.rows[0].span != (shardSpan{12, 13}) || v.cursor != 0 {
			t.Fatalf("after enter on bin 3: rows %v, cursor %d; want shards 12…15 one a row", spansOf(v.rows), v.cursor)
		}
		frame = m.View()
		for _, want := range []string{"4 shards in 19–25% of the key space", "12    19–20%", "15    23–25%"} {
			if !strings.Contains(frame, want) {
				t.Errorf("zoomed frame lacks %q:\n%s", want, frame)
			}
		}
		m = press(t, m, "down", "enter")
		if v.detail != "shardId-000000000013" || !strings.Contains(m.View(), "Shard shardId-000000000013") {
			t.Fatalf("enter on the second shard opened %q:\n%s", v.detail, m.View())
		}
		m = press(t, m, "esc")
		if v.detail != "" || len(v.rows) != 4 || v.cursor != 1 {
			t.Fatalf("esc from the details: detail %q, %d rows, cursor %d; want the zoomed map, cursor on 13", v.detail, len(v.rows), v.cursor)
		}
		m = press(t, m, "backspace")
		if len(v.rows) != 16 || v.cursor != 3 {
			t.Fatalf("backspace from the zoom: %d rows, cursor %d; want the 16 bins, cursor on bin 3", len(v.rows), v.cursor)
		}
		m = press(t, m, "<")
		if !strings.Contains(m.View(), "−30s") {
			t.Errorf("after <, the axis does not start at −30s:\n%s", m.View())
		}
		// z zooms too, but never opens details.
		m = press(t, m, "z", "z")
		if len(v.rows) != 4 || v.detail != "" {
			t.Errorf("z, z: %d rows, detail %q; want the bin's 4 shards and no details", len(v.rows), v.detail)
		}
	})
}

func spansOf(rows []heatmapRow) []shardSpan {
	var out []shardSpan
	for _, r := range rows {
		out = append(out, r.span)
	}
	return out
}

// The hot key's shard is lit (◆ on its row and in the title); the fixture's shard 0 carries
// "user-42" on half its records. With keys spread no shard is.
func TestHeatmapLightsTheHotKeysShard(t *testing.T) {
	src := newFixture(t, 4)
	m := heatmapModel(src, 120, 40, true)
	frame := m.View()
	if !strings.Contains(frame, `◆ hot key "user-42" on 0`) || !strings.Contains(frame, "◆0     0–25%") {
		t.Errorf("the hot key's shard is not lit:\n%s", frame)
	}
	spread := &testSource{info: src.info, store: src.store, hot: metrics.NewHotKeys(0, 0)}
	for i := range 4 {
		for j := range 400 {
			spread.hot.OnRecordRouted(fmt.Sprintf("shardId-%012d", i), fmt.Sprintf("k-%d", j), 100)
		}
	}
	if f := heatmapModel(spread, 120, 40, true).View(); strings.Contains(f, "◆0") || strings.Contains(f, "hot key \"") {
		t.Errorf("keys spread evenly, yet a shard is lit:\n%s", f)
	}
}

// With colour every shade has its palette colour and a throttled second its own, off the ramp;
// under NO_COLOR the frame has no escapes and throttled seconds are full shades with "!" on the
// row's latest figure.
func TestHeatmapColour(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	src := newFixture(t, 4)
	colour := heatmapModel(src, 120, 40, false).View()
	throttle := lipgloss.NewStyle().Foreground(heatThrottleColor).Render("█")
	throttleSeq := throttle[:strings.Index(throttle, "█")]
	if throttleSeq == "" {
		t.Fatal("the throttle style has no escape sequence: the test proves nothing")
	}
	hotLine, coolLine := lineWith(colour, "◆0 "), lineWith(colour, " 1     25–50%")
	if !strings.Contains(hotLine, throttleSeq) {
		t.Errorf("the throttled shard's row is not in the throttle colour: %q", hotLine)
	}
	if strings.Contains(coolLine, throttleSeq) {
		t.Errorf("a shard that was never throttled is in the throttle colour: %q", coolLine)
	}
	level2 := lipgloss.NewStyle().Foreground(heatPalette[2]).Render("▒")
	if seq := level2[:strings.Index(level2, "▒")]; seq == "" || !strings.Contains(coolLine, seq) {
		t.Errorf("the 50–70%% shades are not in their palette colour %q: %q", seq, coolLine)
	}
	plain := heatmapModel(src, 120, 40, true).View()
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("NO_COLOR heatmap has escapes: %q", plain)
	}
	if l := lineWith(plain, "◆0 "); !strings.Contains(l, "████") || !strings.HasSuffix(strings.TrimRight(l, " "), "100%!") {
		t.Errorf("NO_COLOR: the throttled shard's row is not full shades ending in \"!\": %q", l)
	}
}

// lineWith is the first line of frame whose text (escapes stripped) contains s.
func lineWith(frame, s string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(ansi.Strip(l), s) {
			return l
		}
	}
	return ""
}
