package tui

import (
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
