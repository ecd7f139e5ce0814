package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
)

// Model is the dashboard's root tea.Model. It is a handle: copies share one state, as the
// program's copy and a test's copy must.
type Model struct{ s *state }

// component is one view: it pulls its figures on refresh, handles the keys of its view, lists
// them for the help (help.KeyMap: only the keys that work in its present state), and draws
// itself exactly into the size it was given.
type component interface {
	help.KeyMap
	refresh(e *env)
	// update handles a key of this view; handled false lets the root try its global keys.
	update(msg tea.KeyMsg) (cmd tea.Cmd, handled bool)
	View() string
	SetSize(w, h int)
}

// env is what the components read at a refresh: the frame's time, snapshot and window.
type env struct {
	src    Source
	st     *theme
	now    time.Time
	window time.Duration
	snap   *metrics.Snapshot
	info   RunInfo
	own    []Event // the dashboard's own log entries (key results)
	filter string  // shard id substring
	buf    []metrics.Point
}

// series reads one series over the chart window into a reused buffer; the caller must copy what
// it keeps past the next call.
func (e *env) series(name, shard string) []metrics.Point {
	e.buf = e.src.Store().AppendSeries(e.buf[:0], name, shard, e.now.Add(-e.window))
	return e.buf
}

// seriesCopy is series for data a component keeps.
func (e *env) seriesCopy(name, shard string) []metrics.Point {
	return e.src.Store().Series(name, shard, e.now.Add(-e.window))
}

type state struct {
	src  Source
	caps capabilities
	opts Options
	ctx  context.Context

	st   *theme
	keys *KeyMap
	help help.Model
	env  *env

	w, h     int
	view     ViewID
	showHelp bool
	frozen   bool
	winIdx   int
	paused   bool

	comps [numViews]component

	confirm   int    // > 0: waiting for y/n before UpdateShardCount to this many shards
	confirmEM string // != "": waiting for y/n before turning on shard-level metrics (the question)
	filtering bool
	filterIn  textinput.Model
}

// chrome is the number of lines around the body: header (2), tabs, status, hint.
const chrome = 5

// maxOwnLog bounds the dashboard's own log entries.
const maxOwnLog = 500

// NewModel makes the dashboard over src, changed through the controls that controls offers
// (Pauser, RateScaler, … SettingsEditor, found by type assertion; nil offers none). The
// program's context is Background; Run passes its own.
func NewModel(src Source, controls any, opts Options) Model {
	return newModel(context.Background(), src, controls, opts)
}

func newModel(ctx context.Context, src Source, controls any, opts Options) Model {
	opts = opts.withDefaults()
	st := newStyles(opts.NoColor)
	caps := findCapabilities(controls)
	keys := newKeyMap(caps)
	s := &state{src: src, caps: caps, opts: opts, ctx: ctx, st: st, keys: keys,
		view: opts.View, winIdx: defaultWindowIndex}
	s.help = help.New()
	s.help.Styles.ShortKey = st.Value
	s.help.Styles.ShortDesc = st.Muted
	s.help.Styles.ShortSeparator = st.Muted
	s.help.Styles.FullKey = st.Value
	s.help.Styles.FullDesc = st.Muted
	s.help.Styles.FullSeparator = st.Muted
	s.help.Styles.Ellipsis = st.Muted
	s.env = &env{src: src, st: st}
	s.comps = [numViews]component{
		newOverview(), newShardsView(keys), newCloudWatchView(), newFindingsView(keys), newSettingsView(keys, caps.settings),
		newHeatmapView(keys, opts.NoColor),
	}
	s.filterIn = textinput.New()
	s.filterIn.Prompt = "/ filter shards: "
	s.filterIn.CharLimit = 64
	s.refresh()
	return Model{s}
}

// Init starts the frame tick and fetches the settings.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.tick(), fetchSettings(m.s.caps.settings))
}

func (m Model) tick() tea.Cmd {
	return tea.Tick(m.s.opts.FrameInterval, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// refresh pulls the frame's figures: the header's, and the visible view's (the others are
// refreshed when shown, so hidden views cost nothing).
func (s *state) refresh() {
	e := s.env
	e.now = s.opts.Now()
	e.window = chartWindows[s.winIdx]
	e.info = s.src.Info()
	e.snap = s.src.Store().Latest()
	if e.snap != nil && e.snap.Workload != nil {
		s.paused = e.snap.Workload.Paused
	}
	s.comps[s.view].refresh(e)
}

// refreshView redraws the visible view from the current frame without taking a new one (frozen
// display, a key that changes only the presentation).
func (s *state) refreshView() { s.comps[s.view].refresh(s.env) }

func (s *state) bodySize() (int, int) { return s.w, max(s.h-chrome, 0) }

// Update handles one message. It never blocks: controls run in the commands it returns.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	s := m.s
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.w, s.h = msg.Width, msg.Height
		s.help.Width = s.w
		bw, bh := s.bodySize()
		for _, c := range s.comps {
			c.SetSize(bw, bh)
		}
		s.refreshView()
		return m, nil
	case tickMsg:
		if !s.frozen {
			s.refresh()
		}
		cmds := []tea.Cmd{m.tick()}
		if s.view == ViewSettings && !s.comps[ViewSettings].(*settingsView).editing() {
			cmds = append(cmds, fetchSettings(s.caps.settings))
		}
		return m, tea.Batch(cmds...)
	case controlResultMsg:
		if msg.paused != nil {
			s.paused = *msg.paused
		}
		if msg.err != nil {
			s.logf("error", "%s: %v", msg.action, msg.err)
		} else {
			s.logf("info", "%s: %s", msg.action, msg.result)
		}
		return m, nil
	case confirmScaleMsg:
		s.confirm = msg.target
		s.logf("warn", "%s: needs confirmation (UpdateShardCount to %d)", msg.action, msg.target)
		return m, nil
	case confirmMetricsMsg:
		s.confirmEM = msg.question
		s.logf("warn", "shard-level metrics: needs confirmation (%s)", msg.question)
		return m, nil
	case settingsMsg, setResultMsg:
		sv := s.comps[ViewSettings].(*settingsView)
		if r, ok := msg.(setResultMsg); ok {
			if r.err != nil {
				s.logf("error", "set %s = %q: %v", r.name, r.value, r.err)
			} else {
				s.logf("info", "set %s = %q: applied", r.name, r.value)
			}
		}
		return m, sv.receive(msg)
	case tea.KeyMsg:
		return m, s.key(msg)
	}
	return m, nil
}

// logf adds an entry to the dashboard's own log (shown in the Findings view and on the status
// line).
func (s *state) logf(level, format string, args ...any) {
	s.env.own = append(s.env.own, Event{Time: s.opts.Now(), Level: level, Text: fmt.Sprintf(format, args...)})
	if n := len(s.env.own); n > maxOwnLog {
		s.env.own = append(s.env.own[:0], s.env.own[n-maxOwnLog:]...)
	}
	if s.view == ViewFindings {
		s.refreshView()
	}
}

// View draws the whole frame, exactly the terminal's size, so nothing scrolls or flickers.
func (m Model) View() string {
	s := m.s
	if s.w <= 0 || s.h <= 0 {
		return ""
	}
	if s.w < MinWidth || s.h < MinHeight {
		return fitBlock(tooSmall(s.st, s.w, s.h), s.w, s.h)
	}
	bw, bh := s.bodySize()
	var body string
	switch {
	case s.showHelp:
		body = s.helpScreen(bw)
	case s.env.info.Err != "":
		body = runError(s.st, s.env.info.Err, bw)
	default:
		body = s.comps[s.view].View()
	}
	var b strings.Builder
	b.WriteString(s.header())
	b.WriteByte('\n')
	b.WriteString(fitBlock(body, bw, bh))
	b.WriteByte('\n')
	b.WriteString(fitLine(s.statusLine(), s.w))
	b.WriteByte('\n')
	b.WriteString(fitLine(s.hintLine(), s.w))
	return b.String()
}

// Frozen reports whether the display is frozen (f).
func (m Model) Frozen() bool { return m.s.frozen }

// CurrentView is the view on screen.
func (m Model) CurrentView() ViewID { return m.s.view }

// Log is the dashboard's own event log: one entry per key press result.
func (m Model) Log() []Event { return append([]Event(nil), m.s.env.own...) }

func tooSmall(st *theme, w, h int) string {
	return st.Bad.Render("Terminal too small") + "\n" +
		fmt.Sprintf("%d×%d; the dashboard needs at least %d×%d.", w, h, MinWidth, MinHeight) + "\n" +
		"Enlarge the window, or press q to quit."
}

func runError(st *theme, msg string, w int) string {
	var b strings.Builder
	b.WriteString(st.Error.Render("✖ The run failed"))
	b.WriteString("\n\n")
	for _, l := range wrap(msg, w-2) {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("\n" + st.Muted.Render("The dashboard stays up: q quits; the summary is printed after."))
	return b.String()
}

// wrap breaks plain text into lines of at most w cells at spaces.
func wrap(s string, w int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case width(line)+1+width(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}
