package tui

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// The program end to end on a virtual terminal: keys change the rate, the key strategy and the
// RateLimit; the screen says so, the Controls were asked exactly that, q ends the program.
func TestFlowKeysDriveControls(t *testing.T) {
	src := newFixture(t, 4)
	ctl := newFakeControls()
	m := NewModel(src, ctl, Options{Now: fixedNow, FrameInterval: 20 * time.Millisecond})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	waitFor(t, tm, "Throughput")

	tm.Send(keyMsg("+"))
	waitFor(t, tm, "rate ×1.25: target 5.0k/s")
	tm.Send(keyMsg("k"))
	waitFor(t, tm, "key strategy: keys random")
	tm.Send(keyMsg("]"))
	waitFor(t, tm, "RateLimit +10: RateLimit 160%")
	tm.Send(keyMsg("]"))
	tm.Send(keyMsg("]")) // 180, then 190 is refused by the fake: the error shows, nothing crashes
	tm.Send(keyMsg("]"))
	waitFor(t, tm, "above the maximum 180%")
	tm.Send(keyMsg("q"))

	fm := tm.FinalModel(t, teatest.WithFinalTimeout(realTimeDeadline)).(Model)
	want := []string{"ScaleRate(1.25)", "CycleKeys", "AdjustRateLimit(10)", "AdjustRateLimit(10)", "AdjustRateLimit(10)", "AdjustRateLimit(10)"}
	if got := ctl.Calls(); !slices.Equal(got, want) {
		t.Errorf("controls asked %q, want %q", got, want)
	}
	log := fm.Log()
	if len(log) != len(want) {
		t.Fatalf("log has %d entries, want one per key: %+v", len(log), log)
	}
	if last := log[len(log)-1]; last.Level != "error" || !strings.Contains(last.Text, "above the maximum") {
		t.Errorf("last log entry %+v, want the refused RateLimit", last)
	}
	// The entries are in the Findings view's event log, with the run's own events.
	fm = update(fm, keyMsg("4"))
	if fm.CurrentView() != ViewFindings {
		t.Fatalf("4 shows %v, want the Findings view", fm.CurrentView())
	}
	frame := fm.View()
	for _, s := range []string{"run started", "rate ×1.25: target 5.0k/s", "keys random"} {
		if !strings.Contains(frame, s) {
			t.Errorf("event log lacks %q:\n%s", s, frame)
		}
	}
}

func TestFlowCtrlCQuits(t *testing.T) {
	tm := teatest.NewTestModel(t, NewModel(newFixture(t, 2), newFakeControls(), Options{Now: fixedNow}),
		teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "Throughput")
	tm.Send(keyMsg("ctrl+c"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(realTimeDeadline))
}

// realTimeDeadline bounds the waits of the flows on a real program: generous, since the
// program runs on wall-clock time, on a machine that may be busy; a passing flow waits far
// less.
const realTimeDeadline = 30 * time.Second

// waitFor waits until the program has drawn s.
func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(realTimeDeadline), teatest.WithCheckInterval(10*time.Millisecond))
}

// Split against AWS asks first, with twice the open shards, and only "y" reshards.
func TestSplitNeedsConfirmationOnAWS(t *testing.T) { synctest.Test(t, testSplitNeedsConfirmationOnAWS) }

func testSplitNeedsConfirmationOnAWS(t *testing.T) {
	src := newFixture(t, 4)
	ctl := newFakeControls()
	ctl.aws = true
	m := press(t, newTestModel(src, ctl, ViewOverview, 80, 24), "s")
	if f := m.View(); !strings.Contains(f, "UpdateShardCount to 8? (y/n)") {
		t.Fatalf("no confirmation asked:\n%s", f)
	}
	// q is not an answer: the question takes it and does nothing with it, so the program neither
	// quits (q's usual meaning) nor does anything else.
	logged := len(m.Log())
	nm, cmd := m.Update(keyMsg("q"))
	m = nm.(Model)
	if cmd != nil {
		t.Fatalf("q while asking returned a command (%T): the question did not take the key", cmd())
	}
	if !strings.Contains(m.View(), "(y/n)") {
		t.Fatal("the question went away on an unrelated key")
	}
	if got := m.Log(); len(got) != logged {
		t.Errorf("q while asking was logged as something: %+v", got[logged:])
	}
	m = press(t, m, "n")
	if got := ctl.Calls(); !slices.Equal(got, []string{"SplitHottest"}) {
		t.Errorf("after n: calls %q", got)
	}
	m = press(t, m, "s", "y")
	if got := ctl.Calls(); !slices.Equal(got, []string{"SplitHottest", "SplitHottest", "ScaleShards(8)"}) {
		t.Errorf("after y: calls %q", got)
	}
	if f := m.View(); !strings.Contains(f, "UpdateShardCount to 8 started") {
		t.Errorf("result not shown:\n%s", f)
	}
}

func TestSplitLocalCallsAtOnce(t *testing.T) { synctest.Test(t, testSplitLocalCallsAtOnce) }

func testSplitLocalCallsAtOnce(t *testing.T) {
	ctl := newFakeControls()
	m := press(t, newTestModel(newFixture(t, 4), ctl, ViewOverview, 80, 24), "s")
	if got := ctl.Calls(); !slices.Equal(got, []string{"SplitHottest"}) {
		t.Errorf("calls %q", got)
	}
	if !strings.Contains(m.View(), "split shardId-000000000000 into") {
		t.Errorf("result not shown:\n%s", m.View())
	}
}

func TestEveryControlKey(t *testing.T) { synctest.Test(t, testEveryControlKey) }

func testEveryControlKey(t *testing.T) {
	ctl := newFakeControls()
	m := press(t, newTestModel(newFixture(t, 4), ctl, ViewOverview, 80, 24), " ", "-", "[", "h", "H", "a", "d")
	want := []string{"TogglePause", "ScaleRate(0.8)", "AdjustRateLimit(-10)", "AdjustHotFraction(0.05)", "AdjustHotFraction(-0.05)", "ToggleAggregation", "ToggleAdaptive"}
	if got := ctl.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
	if f := m.View(); !strings.Contains(f, "PAUSED") {
		t.Errorf("header does not show the pause:\n%s", f)
	}
	if n := len(m.Log()); n != len(want) {
		t.Errorf("%d log entries, want %d", n, len(want))
	}
}

func TestViewSwitching(t *testing.T) { synctest.Test(t, testViewSwitching) }

func testViewSwitching(t *testing.T) {
	m := newTestModel(newFixture(t, 4), newFakeControls(), ViewOverview, 80, 24)
	steps := []struct {
		key  string
		want ViewID
	}{{"tab", ViewShards}, {"tab", ViewCloudWatch}, {"shift+tab", ViewShards}, {"5", ViewSettings}, {"tab", ViewHeatmap}, {"tab", ViewOverview}, {"shift+tab", ViewHeatmap}, {"shift+tab", ViewSettings}, {"6", ViewHeatmap}, {"1", ViewOverview}}
	for _, s := range steps {
		m = press(t, m, s.key)
		if m.CurrentView() != s.want {
			t.Fatalf("after %q: view %v, want %v", s.key, m.CurrentView(), s.want)
		}
	}
}

// Freezing keeps the figures of the frozen frame while the store moves on.
func TestFreezeKeepsFigures(t *testing.T) { synctest.Test(t, testFreezeKeepsFigures) }

func testFreezeKeepsFigures(t *testing.T) {
	src := newFixture(t, 4)
	now := tNow
	m := NewModel(src, newFakeControls(), Options{Now: func() time.Time { return now }})
	m = update(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = press(t, m, "f")
	if !m.Frozen() || !strings.Contains(m.View(), "FROZEN") {
		t.Fatal("not frozen")
	}
	before := m.View()
	now = now.Add(time.Minute) // the clock moves; a frozen display does not
	m = update(m, tickMsg(now))
	if after := m.View(); after != before {
		t.Errorf("frozen display changed:\n%s\n---\n%s", before, after)
	}
	m = press(t, m, "f")
	if strings.Contains(m.View(), "FROZEN") || !strings.Contains(m.View(), "elapsed 2m30s") {
		t.Errorf("unfrozen display did not catch up:\n%s", m.View())
	}
}

func TestChartWindowKeys(t *testing.T) { synctest.Test(t, testChartWindowKeys) }

func testChartWindowKeys(t *testing.T) {
	m := newTestModel(newFixture(t, 4), newFakeControls(), ViewOverview, 80, 24)
	for _, c := range []struct{ key, want string }{{">", "window 2m"}, {">", "window 5m"}, {">", "window 10m"}, {">", "window 10m"}, {"<", "window 5m"}} {
		m = press(t, m, c.key)
		if !strings.Contains(m.View(), c.want) {
			t.Fatalf("after %q: want %q in\n%s", c.key, c.want, m.View())
		}
	}
}

func TestShardSortAndFilter(t *testing.T) { synctest.Test(t, testShardSortAndFilter) }

func testShardSortAndFilter(t *testing.T) {
	m := newTestModel(newFixture(t, 8), newFakeControls(), ViewShards, 100, 30)
	m = press(t, m, "o", "o") // shard → range → rec%
	if f := m.View(); !strings.Contains(f, "sorted by rec%") {
		t.Fatalf("sort column not shown:\n%s", f)
	}
	m = press(t, m, "/", "7", "enter")
	f := m.View()
	if !strings.Contains(f, "1 of 8") || !strings.Contains(f, "filter: 7") {
		t.Errorf("filter not applied:\n%s", f)
	}
	m = press(t, m, "/", "esc")
	if f := m.View(); !strings.Contains(f, "8 of 8") {
		t.Errorf("esc did not clear the filter:\n%s", f)
	}
}

func TestSettingsApply(t *testing.T) { synctest.Test(t, testSettingsApply) }

func testSettingsApply(t *testing.T) {
	ctl := newFakeControls()
	m := newTestModel(newFixture(t, 4), ctl, ViewSettings, 80, 24)
	m = press(t, m, "enter", "backspace", "backspace", "backspace", "backspace", "2", "5", "0", "0", "enter")
	if got := ctl.Calls(); !slices.Equal(got, []string{"Set(rate=2500)"}) {
		t.Errorf("calls %q", got)
	}
	if f := m.View(); !strings.Contains(f, "2500") || strings.Contains(f, "✖") {
		t.Errorf("applied value not shown:\n%s", f)
	}
	m = press(t, m, "enter", "x")
	if f := m.View(); !strings.Contains(f, "› 2500x") {
		t.Fatalf("enter did not open the editor with the value:\n%s", f)
	}
	m = press(t, m, "esc") // esc cancels: nothing is set
	if got := ctl.Calls(); len(got) != 1 {
		t.Errorf("esc still called %q", got)
	}
	if f := m.View(); strings.Contains(f, "›") || !strings.Contains(f, "2500") {
		t.Errorf("esc did not close the editor on the applied value:\n%s", f)
	}
}

// Errors of the run replace the figures but leave the dashboard working.
func TestRunErrorKeepsDashboardUp(t *testing.T) {
	src := newFixture(t, 4)
	src.info.Err = "AccessDeniedException: not authorized to perform kinesis:PutRecords"
	m := newTestModel(src, newFakeControls(), ViewOverview, 80, 24)
	if f := m.View(); !strings.Contains(f, "not authorized to perform") {
		t.Errorf("error not shown:\n%s", f)
	}
	nm, cmd := m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q does not quit on the error screen")
	}
	_ = nm
}
