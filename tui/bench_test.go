package tui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkView is the cost of drawing one frame of each view at 64 shards on 200 × 60 (what
// the renderer asks for after every message). BenchmarkRefresh is the cost of pulling a frame's
// figures from the store (once per frame tick), which View does not repeat.
func BenchmarkView(b *testing.B) {
	src := newFixture(b, 64)
	withCloudWatch(b, src, true, nil)
	for v := range numViews {
		m := NewModel(src, newFakeControls(), Options{Now: fixedNow, View: v})
		m = update(m, tea.WindowSizeMsg{Width: 200, Height: 60})
		m = update(m, settingsMsg(newFakeControls().Settings()))
		b.Run(v.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

func BenchmarkRefreshAndView(b *testing.B) {
	src := newFixture(b, 64)
	withCloudWatch(b, src, true, nil)
	for v := range numViews {
		m := NewModel(src, newFakeControls(), Options{Now: fixedNow, View: v})
		m = update(m, tea.WindowSizeMsg{Width: 200, Height: 60})
		b.Run(v.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m = update(m, tickMsg(tNow))
				_ = m.View()
			}
		})
	}
}

// BenchmarkHeatmap is the Heatmap view at 64, 1,000 and 10,000 shards on 200 × 60: View alone
// (the renderer calls it after every message: it draws only the rows on screen, the goal being
// under 5 ms at 10,000 shards) and a frame's refresh with it (once per frame tick: it folds every
// shard's seconds of the window into the bins on screen).
func BenchmarkHeatmap(b *testing.B) {
	for _, n := range []int{64, 1000, 10_000} {
		var m Model
		setup := func(b *testing.B) {
			if m.s == nil {
				m = NewModel(newFixture(b, n), newFakeControls(), Options{Now: fixedNow, View: ViewHeatmap})
				m = update(m, tea.WindowSizeMsg{Width: 200, Height: 60})
			}
		}
		b.Run(fmt.Sprintf("View/shards=%d", n), func(b *testing.B) {
			setup(b)
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
		b.Run(fmt.Sprintf("RefreshAndView/shards=%d", n), func(b *testing.B) {
			setup(b)
			b.ReportAllocs()
			for b.Loop() {
				m = update(m, tickMsg(tNow))
				_ = m.View()
			}
		})
	}
}
