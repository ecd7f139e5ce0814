package tui

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// fakeDrain is a Drainer whose records left the test sets; it records the calls.
type fakeDrain struct {
	mu        sync.Mutex
	started   int
	abandoned bool
	state     DrainState
}

func (d *fakeDrain) StartDrain() { d.mu.Lock(); d.started++; d.mu.Unlock() }
func (d *fakeDrain) AbandonDrain() {
	d.mu.Lock()
	d.abandoned = true
	d.mu.Unlock()
}
func (d *fakeDrain) Drain() DrainState { d.mu.Lock(); defer d.mu.Unlock(); return d.state }
func (d *fakeDrain) set(left float64, done bool) {
	d.mu.Lock()
	d.state.Left, d.state.Done = left, done
	d.mu.Unlock()
}

// drainControls are a load test's controls with a drain.
type drainControls struct {
	*fakeControls
	*fakeDrain
}

// clock is a settable Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// q shows the drain at once — records left, the rate, the time left, how to abandon — and the
// dashboard quits by itself when the drain is done; a second q abandons it.
func TestQuitShowsTheDrainUntilItIsDone(t *testing.T) {
	src := newFixture(t, 4)
	clk := &clock{tNow}
	dr := &fakeDrain{state: DrainState{Left: 9000, Deadline: tNow.Add(30 * time.Second)}}
	ctl := newFakeControls()
	m := NewModel(src, drainControls{ctl, dr}, Options{Now: clk.now})
	m = update(m, tea.WindowSizeMsg{Width: 100, Height: 30})

	m, cmd := updateCmd(m, keyMsg("q"))
	if isQuit(cmd) {
		t.Fatal("q quit at once: the drain would be a blank screen")
	}
	if dr.started != 1 {
		t.Fatalf("StartDrain called %d times, want 1", dr.started)
	}
	f := m.View()
	for _, want := range []string{"draining", "records left", "9,000", "q again to abandon", "gives up in"} {
		if !strings.Contains(f, want) {
			t.Fatalf("the drain screen lacks %q:\n%s", want, f)
		}
	}
	// Two seconds later 4,000 records have gone: 2,000 records/s, so 2.5 s left.
	clk.t = clk.t.Add(2 * time.Second)
	dr.set(5000, false)
	m, cmd = updateCmd(m, tickMsg(clk.t))
	if isQuit(cmd) {
		t.Fatal("quit before the drain was done")
	}
	f = m.View()
	for _, want := range []string{"5,000", "2.0k records/s", "≈ 3s"} {
		if !strings.Contains(f, want) {
			t.Fatalf("after 2 s the drain screen lacks %q:\n%s", want, f)
		}
	}
	// Keys other than q wait: + changes nothing during the drain.
	m, _ = updateCmd(m, keyMsg("+"))
	if calls := ctl.Calls(); len(calls) != 0 {
		t.Fatalf("a key during the drain called %q", calls)
	}
	dr.set(0, true)
	if _, cmd = updateCmd(m, tickMsg(clk.t.Add(time.Second))); !isQuit(cmd) {
		t.Fatal("the drain is done and the dashboard did not quit")
	}

	// A second q abandons the drain.
	dr2 := &fakeDrain{state: DrainState{Left: 100}}
	m2 := NewModel(src, drainControls{newFakeControls(), dr2}, Options{Now: fixedNow})
	m2 = update(m2, tea.WindowSizeMsg{Width: 100, Height: 30})
	m2, _ = updateCmd(m2, keyMsg("q"))
	if _, cmd := updateCmd(m2, keyMsg("q")); !isQuit(cmd) || !dr2.abandoned {
		t.Fatalf("q again: quit %v, abandoned %v", isQuit(cmd), dr2.abandoned)
	}
}

// The drain's rate and estimate: nothing to tell before two readings, "not moving" when
// nothing resolves.
func TestDrainEstimate(t *testing.T) {
	d := &drainWatch{started: t0}
	d.observe(t0, DrainState{Left: 100})
	if got := d.estimate(); got != "estimating…" {
		t.Fatalf("one reading: %q", got)
	}
	d.observe(t0.Add(time.Second), DrainState{Left: 100})
	if got := d.estimate(); got != "not moving" {
		t.Fatalf("nothing resolved: %q", got)
	}
	// Readings older than the rate's span go, but two always stay: 60 records in the 9 s
	// between the last two, so 6 s for the 40 left.
	d.observe(t0.Add(10*time.Second), DrainState{Left: 40})
	if r := d.rate(); math.Abs(r-60.0/9) > 1e-9 {
		t.Fatalf("rate %v, want %v", r, 60.0/9)
	}
	if got := d.estimate(); got != "≈ 6s" {
		t.Fatalf("estimate %q, want ≈ 6s", got)
	}
}

// updateCmd is update keeping the command.
func updateCmd(m Model, msg tea.Msg) (Model, tea.Cmd) {
	nm, cmd := m.Update(msg)
	return nm.(Model), cmd
}

// isQuit runs a command (a batch's parts too) and reports whether it quits the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		return slices.ContainsFunc(msg, isQuit)
	}
	return false
}

// After its --duration the run is finished: the header says so, elapsed stops at the run's
// length, and the keys that would change the load say why they cannot instead of calling the
// controls.
func TestFinishedRun(t *testing.T) { synctest.Test(t, testFinishedRun) }

func testFinishedRun(t *testing.T) {
	src := newFixture(t, 4)
	src.info.Finished = t0.Add(5 * time.Second) // frames are drawn at t0+90s
	ctl := newFakeControls()
	m := newTestModel(src, ctl, ViewOverview, 100, 30)
	head := strings.SplitN(m.View(), "\n", 2)[0]
	if !strings.Contains(head, "■ finished") || strings.Contains(head, "running") || !strings.Contains(head, "elapsed 5s") {
		t.Fatalf("the header of a finished run: %q", head)
	}
	for _, k := range []string{"+", "-", "k", " ", "]", "h", "a"} {
		m = press(t, m, k)
		if !strings.Contains(m.View(), "run finished (--duration), no load to change") {
			t.Fatalf("%q after the run finished does not say why it does nothing:\n%s", k, m.View())
		}
	}
	if calls := ctl.Calls(); len(calls) != 0 {
		t.Fatalf("keys after the run finished called %q", calls)
	}
}

// A watch's header says what it does: waiting for its first figures, then watching; never
// "running", which is a load test's.
func TestWatchHeaderStates(t *testing.T) {
	src := newFixture(t, 4)
	src.info.Backend = "watch"
	m := newTestModel(src, fakeWatch{newFakeControls()}, ViewOverview, 100, 30)
	if head := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(head, "◉ watching") || strings.Contains(head, "running") {
		t.Fatalf("watch header: %q", head)
	}
	empty := &testSource{info: src.info, store: emptyStore(t)}
	m = newTestModel(empty, fakeWatch{newFakeControls()}, ViewOverview, 100, 30)
	if head := strings.SplitN(m.View(), "\n", 2)[0]; !strings.Contains(head, "waiting for figures") {
		t.Fatalf("watch header before the first figures: %q", head)
	}
}

// The failure panel promises what q does: a run's summary, and for a watch (which prints none)
// no summary.
func TestFailurePanelSaysWhatQDoes(t *testing.T) {
	src := newFixture(t, 4)
	src.info.Err = "AccessDeniedException: no"
	if f := newTestModel(src, newFakeControls(), ViewOverview, 100, 30).View(); !strings.Contains(f, "q stops the run and prints its summary") {
		t.Fatalf("run failure panel:\n%s", f)
	}
	src.info.Backend = "watch"
	f := newTestModel(src, fakeWatch{newFakeControls()}, ViewOverview, 100, 30).View()
	if strings.Contains(f, "summary is printed") || !strings.Contains(f, "A watch prints no summary") {
		t.Fatalf("watch failure panel promises a summary:\n%s", f)
	}
}

func emptyStore(t *testing.T) *metrics.Store {
	src := &statsSource{}
	s, err := metrics.NewSampler(metrics.Config{Stream: "orders", Producer: src, Workload: workloadSource{src}})
	if err != nil {
		t.Fatal(err)
	}
	return s.Store()
}

// The y axis labels are never cut, at any width: the axis is as wide as its widest label.
func TestChartLabelsAreWhole(t *testing.T) {
	src := newFixture(t, 64)
	for _, w := range []int{80, 100, 120, 160, 200, 250} {
		for _, v := range []ViewID{ViewOverview, ViewShards} {
			m := newTestModel(src, newFakeControls(), v, w, 40)
			if v == ViewShards {
				m = press(t, m, "enter")
			}
			for _, l := range strings.Split(m.View(), "\n") {
				if strings.Contains(l, "…┤") {
					t.Fatalf("%s at %d columns: a cut axis label: %q", v, w, l)
				}
			}
		}
	}
	// The widest labels the throughput axis can have fit: a 500-shard stream's capacity.
	if got := axisWidth(fmtBytes, 953.7*(1<<20), 476.8*(1<<20)); got < width("953.7MiB")+1 {
		t.Fatalf("axis width %d for 953.7MiB", got)
	}
}

// Far below capacity, the chart scales to the data and states the capacity instead of drawing
// a flat line at the bottom; near it, the capacity line is drawn.
func TestThroughputScalesToTheData(t *testing.T) {
	capacity := 500.0 * (1 << 20)
	top, shown := throughputScale(0.02*capacity, capacity)
	if shown || top >= capacity/3 || top < 0.02*capacity {
		t.Fatalf("2%% of capacity: top %v, capacity shown %v", top, shown)
	}
	if top, shown := throughputScale(0.8*capacity, capacity); !shown || top < capacity {
		t.Fatalf("80%% of capacity: top %v, capacity shown %v", top, shown)
	}
	if top, shown := throughputScale(0, capacity); !shown || top < capacity {
		t.Fatalf("no data: top %v, capacity shown %v", top, shown)
	}
	// The fixture's 64 shards carry some 7% of their capacity: the title says it is off scale
	// and the top label is the data's, not the capacity's.
	f := newTestModel(newFixture(t, 64), newFakeControls(), ViewOverview, 120, 40).View()
	if !strings.Contains(f, "capacity 64.0MiB/s (64 shards × 1 MiB/s) ↑ off scale") || strings.Contains(f, "MiB┤⠄⠠") {
		t.Fatalf("the chart does not scale to the data:\n%s", f)
	}
}

// Under NO_COLOR each series has its own glyph, in the chart and in the legend.
func TestNoColorSeriesGlyphs(t *testing.T) {
	src := newFixture(t, 4)
	m := NewModel(src, newFakeControls(), Options{Now: fixedNow, NoColor: true})
	m = update(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	f := m.View()
	for _, want := range []string{"o offered", "# put", "x throttled", "- cap"} {
		if !strings.Contains(f, want) {
			t.Fatalf("the legend lacks %q:\n%s", want, f)
		}
	}
	chart := chartRows(f)
	for _, g := range []string{"o", "#", "x"} {
		if !strings.Contains(chart, g) {
			t.Fatalf("no %q in the chart:\n%s", g, chart)
		}
	}
	if strings.ContainsFunc(chart, func(r rune) bool { return r >= 0x2800 && r <= 0x28FF }) {
		t.Fatalf("braille under NO_COLOR: the series cannot be told apart:\n%s", chart)
	}
}

// chartRows are the plot areas (right of the axis) of a frame's chart rows.
func chartRows(frame string) string {
	var b strings.Builder
	for _, l := range strings.Split(frame, "\n") {
		if _, plot, ok := strings.Cut(l, "┤"); ok {
			b.WriteString(plot + "\n")
		}
	}
	return b.String()
}

// liveShards is a sampler over n shards whose per-shard load the test sets between samples,
// for the views that must follow a shard as figures change.
type liveShards struct {
	src     *statsSource
	sampler *metrics.Sampler
	now     time.Time
}

func newLiveShards(t *testing.T, n int) *liveShards {
	src := &statsSource{}
	src.p.Stream.ErrorsByCode = map[string]int64{}
	src.p.Stream.BufferingTime, src.p.Stream.RequestTime, src.p.Stream.EndToEndTime = hist(), hist(), hist()
	for i, r := range hashRanges(n) {
		src.p.Shards = append(src.p.Shards, producer.ShardStats{ShardID: fmt.Sprintf("shardId-%012d", i),
			StartingHashKey: r[0], EndingHashKey: r[1], RecordCapacity: 1000, ByteCapacity: 1 << 20, ErrorsByCode: map[string]int64{}})
	}
	src.w = workload.Stats{TargetRate: 1000}
	s, err := metrics.NewSampler(metrics.Config{Stream: "orders", Producer: src, Workload: workloadSource{src}})
	if err != nil {
		t.Fatal(err)
	}
	l := &liveShards{src: src, sampler: s, now: t0}
	s.Sample(l.now)
	return l
}

// step puts recs[i] records on shard i over one second and samples.
func (l *liveShards) step(recs ...int64) {
	l.now = l.now.Add(time.Second)
	for i, n := range recs {
		s := &l.src.p.Shards[i]
		s.UserRecordsPut += n
		s.KinesisRecordsPut += n
		s.UserBytesPut += n * 100
		s.KinesisBytesPut += n * 100
	}
	l.sampler.Sample(l.now)
}

// The cursor stays on the shard, not the row, when a live sort moves it; enter opens it.
func TestShardsCursorFollowsTheShard(t *testing.T) { synctest.Test(t, testShardsCursorFollowsTheShard) }

func testShardsCursorFollowsTheShard(t *testing.T) {
	live := newLiveShards(t, 4)
	live.step(400, 300, 200, 100) // by rec%: 0, 1, 2, 3
	src := &testSource{info: RunInfo{Stream: "orders", Backend: "local", Started: t0}, store: live.sampler.Store()}
	m := newTestModel(src, newFakeControls(), ViewShards, 120, 30)
	m = press(t, m, "o", "o") // shard → range → rec%
	m = press(t, m, "down")   // the second row: shard 1
	if got := selectedShard(t, m.View()); got != "1" {
		t.Fatalf("the cursor is on shard %s, want 1", got)
	}
	live.step(100, 300, 500, 700) // by rec%: 3, 2, 1, 0 — shard 1 is now the third row
	m = update(m, tickMsg(live.now))
	if got := selectedShard(t, m.View()); got != "1" {
		t.Fatalf("after the re-sort the cursor is on shard %s, want 1 (it followed the row):\n%s", got, m.View())
	}
	m = press(t, m, "enter")
	if f := m.View(); !strings.Contains(f, "Shard shardId-000000000001") {
		t.Fatalf("enter did not open shard 1:\n%s", f)
	}
}

var cursorRow = regexp.MustCompile(`(?m)^▸ (\d+)\s`)

func selectedShard(t *testing.T, frame string) string {
	t.Helper()
	m := cursorRow.FindStringSubmatch(frame)
	if m == nil {
		t.Fatalf("no cursor row:\n%s", frame)
	}
	return m[1]
}

// The CloudWatch view draws the shard rows that fit and says how many more there are: every
// shard is either a row or counted.
func TestCloudWatchShardRowsFit(t *testing.T) {
	src := newFixture(t, 64)
	withCloudWatch(t, src, true, nil)
	f := newTestModel(src, newFakeControls(), ViewCloudWatch, 100, 30).View()
	rows := len(regexp.MustCompile(`(?m)^\d+\s+\d`).FindAllString(f, -1))
	m := regexp.MustCompile(`… (\d+) more shards`).FindStringSubmatch(f)
	if m == nil || rows == 0 {
		t.Fatalf("%d rows, no count of the rest:\n%s", rows, f)
	}
	if more := m[1]; fmt.Sprint(64-rows) != more {
		t.Fatalf("%d rows and %s more, want 64 in all:\n%s", rows, more, f)
	}
}
