package tui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/shardstorm/shardstorm/metrics"
)

// Goldens are colour-free; regenerate them with: go test ./tui -run Golden -update
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

var sizes = [][2]int{{80, 24}, {160, 48}}

// newTestModel is a model over src at w × h, as the program would have it after its first
// WindowSizeMsg and settings fetch. controls offers the keys' controls (fakeControls: all).
func newTestModel(src Source, controls any, view ViewID, w, h int) Model {
	m := NewModel(src, controls, Options{Now: fixedNow, View: view})
	m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	if ed, ok := controls.(SettingsEditor); ok {
		m = update(m, settingsMsg(ed.Settings()))
	}
	return m
}

func update(m Model, msg tea.Msg) Model {
	nm, _ := m.Update(msg)
	return nm.(Model)
}

// press sends keys one by one and runs the commands each returns, feeding their messages back
// into the model as the program would, until the model is idle. It must run inside a synctest
// bubble: no time passes during a press, so a command that waits on the clock (a frame tick, a
// cursor blink) waits until the test ends, when the clock runs on and its message is dropped;
// every other command runs to its end however slow the machine, and one blocked on anything but
// the clock deadlocks the bubble, which fails the test. A key that quits the program fails the
// test too.
func press(t *testing.T, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		nm, cmd := m.Update(keyMsg(k))
		m = runCmd(t, nm.(Model), cmd, k)
	}
	return m
}

// runCmd runs cmd and what follows from it, depth first, as press describes.
func runCmd(t *testing.T, m Model, cmd tea.Cmd, key string) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	synctest.Wait()
	var msg tea.Msg
	select {
	case msg = <-done:
	default:
		// Waiting on the clock, which stands still during a press. At the end of the test the
		// clock runs on (the bubble's root waits) until the command is done.
		t.Cleanup(func() { <-done })
		return m
	}
	switch msg := msg.(type) {
	case nil:
		return m
	case tea.BatchMsg:
		for _, c := range msg {
			m = runCmd(t, m, c, key)
		}
		return m
	case tea.QuitMsg:
		t.Fatalf("%q quit the program", key)
	}
	nm, next := m.Update(msg)
	return runCmd(t, nm.(Model), next, key)
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// checkFits fails unless the frame is exactly w × h cells.
func checkFits(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i+1, n, w, ansi.Strip(l))
		}
	}
}

// golden compares a frame with testdata/<test name>.golden, after checking it fits.
func goldenFrame(t *testing.T, m Model, w, h int) {
	t.Helper()
	frame := m.View()
	checkFits(t, frame, w, h)
	golden.RequireEqual(t, []byte(frame+"\n"))
}

func TestGoldenViews(t *testing.T) {
	src := newFixture(t, 4)
	withCloudWatch(t, src, true, nil)
	for v := range numViews {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", v, sz[0], sz[1]), func(t *testing.T) {
				goldenFrame(t, newTestModel(src, newFakeControls(), v, sz[0], sz[1]), sz[0], sz[1])
			})
		}
	}
}

func TestGoldenStates(t *testing.T) {
	base := newFixture(t, 4)
	watching := func(s *testSource) { s.info.Backend = "watch" }
	cases := []struct {
		name  string
		setup func(s *testSource)
		view  ViewID
		keys  []string
		watch bool // the controls of watch mode (fakeWatch), not of a load test
	}{
		{"CloudWatchDisabled", nil, ViewCloudWatch, nil, false},
		{"CloudWatchAccessDenied", func(s *testSource) { withCloudWatch(t, s, false, accessDenied()) }, ViewCloudWatch, nil, false},
		{"RunError", func(s *testSource) {
			s.info.Err = "ResourceNotFoundException: Stream orders under account 123456789012 not found."
		}, ViewOverview, nil, false},
		{"ShardDetail", nil, ViewShards, []string{"o", "enter"}, false},
		{"ShardsFiltered", nil, ViewShards, []string{"/", "2", "enter"}, false},
		{"Help", nil, ViewOverview, []string{"?"}, false},
		{"ShardsHelp", nil, ViewShards, []string{"?"}, false},
		{"Frozen", nil, ViewOverview, []string{"f"}, false},
		{"SettingsError", nil, ViewSettings, []string{"enter", "backspace", "backspace", "backspace", "backspace", "x", "enter"}, false},
		{"FindingsWithAdvice", func(s *testSource) {
			s.findings = []metrics.Finding{{Rule: "hot-shard", Severity: "critical", Title: "Hot partition key", ShardID: "shardId-000000000000", Key: "user-42",
				Summary: `key "user-42" sends 71% of shardId-000000000000's records (2,130 records/s, 1.0 MiB/s): the shard is at 130% of its bytes limit, refusing 23% of what is sent to it, while the other 3 shards average 38%`,
				Advice:  `A partition key always lands on one shard, so more shards will not cool it. Spread "user-42" over at least 2 shards.`}}
		}, ViewFindings, []string{"+", "]"}, false},
		// Watch mode: no load keys in the hint line or the help; s asks to double the shards.
		{"WatchOverview", watching, ViewOverview, nil, true},
		{"WatchHelp", watching, ViewOverview, []string{"?"}, true},
		{"WatchSettings", watching, ViewSettings, nil, true},
		{"WatchRunError", func(s *testSource) {
			watching(s)
			s.info.Err = "CloudWatch access denied: AccessDeniedException: not authorized to perform cloudwatch:GetMetricData"
		}, ViewOverview, nil, true},
		// After --duration: finished, and + says why it does nothing.
		{"Finished", func(s *testSource) { s.info.Finished = t0.Add(5 * time.Second) }, ViewOverview, []string{"+"}, false},
	}
	for _, c := range cases {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					s := &testSource{info: base.info, store: base.store, hot: base.hot, events: base.events}
					if c.setup != nil {
						c.setup(s)
					}
					var controls any = newFakeControls()
					if c.watch {
						controls = fakeWatch{newFakeControls()}
					}

					m := press(t, newTestModel(s, controls, c.view, sz[0], sz[1]), c.keys...)
					goldenFrame(t, m, sz[0], sz[1])
				})
			})
		}
	}
}

// After q: the drain screen, at once, until the summary.
func TestGoldenDrain(t *testing.T) {
	src := newFixture(t, 4)
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("Draining_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				controls := drainControls{newFakeControls(), &fakeDrain{state: DrainState{Left: 12345, Deadline: tNow.Add(30 * time.Second)}}}
				goldenFrame(t, press(t, newTestModel(src, controls, ViewShards, sz[0], sz[1]), "q"), sz[0], sz[1])
			})
		})
	}
}

// Under NO_COLOR the charts draw each series with its own glyph (the legend says which).
func TestGoldenNoColor(t *testing.T) {
	src := newFixture(t, 4)
	for _, v := range []ViewID{ViewOverview, ViewShards} {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", v, sz[0], sz[1]), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					m := NewModel(src, newFakeControls(), Options{Now: fixedNow, View: v, NoColor: true})
					m = update(m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
					if v == ViewShards {
						m = press(t, m, "enter") // a shard's % of limit chart
					}
					goldenFrame(t, m, sz[0], sz[1])
				})
			})
		}
	}
}

func TestTooSmall(t *testing.T) {
	src := newFixture(t, 4)
	for _, sz := range [][2]int{{79, 24}, {80, 23}, {40, 10}} {
		m := newTestModel(src, newFakeControls(), ViewOverview, sz[0], sz[1])
		frame := m.View()
		checkFits(t, frame, sz[0], sz[1])
		if !strings.Contains(frame, "Terminal too small") {
			t.Errorf("%v: no too-small screen:\n%s", sz, frame)
		}
	}
	// Growing the window brings the dashboard back.
	m := newTestModel(src, newFakeControls(), ViewOverview, 40, 10)
	m = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if f := m.View(); strings.Contains(f, "too small") || !strings.Contains(f, "Throughput") {
		t.Errorf("after resize:\n%s", f)
	}
}

// Every view fits every size exactly, in colour too (escape sequences must not count).
func TestEveryViewFitsEverySize(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	src := newFixture(t, 64)
	withCloudWatch(t, src, true, nil)
	for _, sz := range [][2]int{{80, 24}, {81, 25}, {100, 30}, {132, 43}, {160, 48}, {200, 60}, {300, 80}} {
		for v := range numViews {
			m := newTestModel(src, newFakeControls(), v, sz[0], sz[1])
			t.Run(fmt.Sprintf("%s_%dx%d", v, sz[0], sz[1]), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					checkFits(t, m.View(), sz[0], sz[1])
					if v == ViewShards {
						checkFits(t, press(t, m, "enter").View(), sz[0], sz[1])
					}
					checkFits(t, press(t, m, "?").View(), sz[0], sz[1])
				})
			})
		}
	}
}

func TestNoColorOptionDrawsNoEscapes(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	src := newFixture(t, 4)
	colour := newTestModel(src, newFakeControls(), ViewShards, 100, 30).View()
	if !strings.Contains(colour, "\x1b[") {
		t.Fatal("the colour frame has no escape sequences: the test proves nothing")
	}
	m := NewModel(src, newFakeControls(), Options{Now: fixedNow, View: ViewShards, NoColor: true})
	m = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if f := m.View(); strings.Contains(f, "\x1b[") {
		t.Errorf("NoColor frame has escape sequences: %q", f)
	}
	t.Setenv("NO_COLOR", "1")
	m = NewModel(src, newFakeControls(), Options{Now: fixedNow, View: ViewShards})
	m = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if f := m.View(); strings.Contains(f, "\x1b[") {
		t.Errorf("NO_COLOR frame has escape sequences: %q", f)
	}
}
