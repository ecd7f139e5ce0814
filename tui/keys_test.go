package tui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
)

// loadKeys are the hint and help entries of the keys that act on a load: a load test shows
// them, watch mode (which sends none) must not.
var loadKeys = []string{"space pause/resume", "rate ×1.25", "rate ÷1.25", "next key strategy", "hot key +5%",
	"hot key −5%", "RateLimit −10", "RateLimit +10", "aggregation on/off", "adaptive limiting on/off", "split hottest shard"}

// hintLine is the frame's last line: the key hints.
func hintLine(m Model) string { return lineFromEnd(m, 0) }

// statusLine is the line above the hints: the latest key's result.
func statusLine(m Model) string { return lineFromEnd(m, 1) }

func lineFromEnd(m Model, n int) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1-n]
}

func TestLoadTestShowsItsKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newTestModel(newFixture(t, 4), newFakeControls(), ViewOverview, 160, 48)
		hint := hintLine(m)
		for _, s := range []string{"space pause/resume", "+ rate ×1.25", "- rate ÷1.25", "k next key strategy", "s split hottest shard"} {
			if !strings.Contains(hint, s) {
				t.Errorf("hint line lacks %q: %s", s, hint)
			}
		}
		help := press(t, m, "?").View()
		for _, s := range loadKeys {
			if !strings.Contains(help, s) {
				t.Errorf("help lacks %q:\n%s", s, help)
			}
		}
	})
}

func TestWatchModeShowsNoLoadKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctl := newFakeControls()
		for _, v := range []ViewID{ViewOverview, ViewShards, ViewFindings, ViewSettings} {
			m := newTestModel(newFixture(t, 4), fakeWatch{ctl}, v, 160, 48)
			hint, help := hintLine(m), press(t, m, "?").View()
			for _, s := range loadKeys {
				if strings.Contains(hint, s) {
					t.Errorf("%v: watch mode's hint line offers %q: %s", v, s, hint)
				}
				if strings.Contains(help, s) {
					t.Errorf("%v: watch mode's help offers %q:\n%s", v, s, help)
				}
			}
			if !strings.Contains(hint, "s double the shards (asks)") {
				t.Errorf("%v: the hint line lacks resharding: %s", v, hint)
			}
		}
	})
}

// Pressing a load key in watch mode changes nothing and says so; it never claims an effect.
func TestWatchModeLoadKeysDoNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctl := newFakeControls()
		m := newTestModel(newFixture(t, 4), fakeWatch{ctl}, ViewOverview, 80, 24)
		keys := []string{" ", "+", "=", "-", "[", "]", "k", "h", "H", "a", "d"}
		for _, k := range keys {
			before := m.View()
			m = press(t, m, k)
			if got := m.CurrentView(); got != ViewOverview {
				t.Errorf("%q switched to %v", k, got)
			}
			status := statusLine(m)
			if !strings.Contains(status, "not available in this mode") {
				t.Errorf("%q: the status line says %q, want that the key is not available", k, status)
			}
			if strings.Contains(m.View(), "PAUSED") || strings.Contains(before, "PAUSED") {
				t.Errorf("%q: the header claims a pause", k)
			}
		}
		if got := ctl.Calls(); len(got) != 0 {
			t.Errorf("load keys reached the controls: %q", got)
		}
		log := m.Log()
		if len(log) != len(keys) {
			t.Fatalf("%d log entries for %d keys: %+v", len(log), len(keys), log)
		}
		for _, e := range log {
			if e.Level != "warn" || !strings.HasSuffix(e.Text, ": not available in this mode") {
				t.Errorf("log entry %+v, want a warning that the key is not available", e)
			}
		}
		if !strings.HasPrefix(log[1].Text, "+ (rate ×1.25)") || !strings.HasPrefix(log[2].Text, "+ (rate ×1.25)") {
			t.Errorf("+ and = are one key: %q, %q", log[1].Text, log[2].Text)
		}
	})
}

// Watch mode cannot split one shard: s asks at once to double the open shards, and y does.
func TestWatchModeReshardsAfterConfirmation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctl := newFakeControls()
		m := press(t, newTestModel(newFixture(t, 4), fakeWatch{ctl}, ViewOverview, 80, 24), "s")
		if f := m.View(); !strings.Contains(f, "UpdateShardCount to 8? (y/n)") {
			t.Fatalf("no confirmation asked:\n%s", f)
		}
		if log := m.Log(); len(log) != 1 || !strings.HasPrefix(log[0].Text, "double the shards: needs confirmation") {
			t.Errorf("log %+v, want the question", log)
		}
		if got := ctl.Calls(); len(got) != 0 {
			t.Errorf("resharded before the answer: %q", got)
		}
		m = press(t, m, "y")
		if got := ctl.Calls(); !slices.Equal(got, []string{"ScaleShards(8)"}) {
			t.Errorf("after y: calls %q", got)
		}
		if f := m.View(); !strings.Contains(f, "UpdateShardCount to 8 started") {
			t.Errorf("result not shown:\n%s", f)
		}
	})
}

func TestWatchModeHasNoSettings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := press(t, newTestModel(newFixture(t, 4), fakeWatch{newFakeControls()}, ViewSettings, 80, 24), "enter", "x", "enter")
		if f := m.View(); !strings.Contains(f, "this mode has no live settings") || strings.Contains(f, "enter edit") {
			t.Errorf("settings view in watch mode:\n%s", f)
		}
		if log := m.Log(); len(log) != 0 {
			t.Errorf("keys in an empty settings view logged %+v", log)
		}
	})
}

// Without controls the dashboard only shows: no key acts, s included.
func TestNoControlsOnlyShows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newTestModel(newFixture(t, 4), nil, ViewOverview, 160, 48)
		if hint := hintLine(m); strings.Contains(hint, "s ") || strings.Contains(hint, "space") {
			t.Errorf("hint line offers controls: %s", hint)
		}
		m = press(t, m, "s")
		if log := m.Log(); len(log) != 1 || !strings.Contains(log[0].Text, "not available in this mode") {
			t.Errorf("s without controls logged %+v", log)
		}
	})
}

// Each view lists its own keys on the hint line, for the state it is in.
func TestHintLineShowsTheViewsKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFixture(t, 4)
		steps := []struct {
			view      ViewID
			keys      []string
			want, not []string
		}{
			{ViewOverview, nil, nil, []string{"enter", "o sort", "scroll"}},
			{ViewShards, nil, []string{"enter details", "o sort"}, []string{"esc"}},
			{ViewShards, []string{"enter"}, []string{"esc back to all shards"}, []string{"enter details", "o sort"}},
			{ViewFindings, nil, []string{"↑↓ scroll the log"}, []string{"enter"}},
			{ViewSettings, nil, []string{"enter edit"}, []string{"apply", "esc"}},
			{ViewSettings, []string{"enter"}, []string{"enter apply", "esc cancel"}, []string{"enter edit"}},
		}
		for _, s := range steps {
			m := press(t, newTestModel(src, newFakeControls(), s.view, 160, 48), s.keys...)
			hint := hintLine(m)
			for _, w := range s.want {
				if !strings.Contains(hint, w) {
					t.Errorf("%v after %q: hint line lacks %q: %s", s.view, s.keys, w, hint)
				}
			}
			for _, n := range s.not {
				if strings.Contains(hint, n) {
					t.Errorf("%v after %q: hint line has %q: %s", s.view, s.keys, n, hint)
				}
			}
		}
	})
}
