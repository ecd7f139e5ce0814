package tui

import (
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Drainer ends the load when the user quits (q) and drains the producer while the dashboard
// stays up to show how the drain goes; a second q abandons it. Without one (watch mode, a
// dashboard that only shows), q quits at once. The program ends by itself when the drain is
// done, and the caller prints the summary.
type Drainer interface {
	// StartDrain stops the load and starts the drain in the background; it returns at once and
	// is safe to call more than once.
	StartDrain()
	// Drain is the drain's progress; cheap, called every frame.
	Drain() DrainState
	// AbandonDrain ends the drain now: the records still pending are counted as they stand.
	AbandonDrain()
}

// DrainState is what the drain screen shows.
type DrainState struct {
	// Left is the number of user records not yet resolved (NaN: not known yet).
	Left float64
	// Deadline is when the drain gives up by itself (zero: no limit).
	Deadline time.Time
	// Done is set once the drain has ended (every record resolved, abandoned or timed out).
	Done bool
}

// drainWatch is the dashboard's view of a drain in progress: when it began and the recent
// readings of the records left, from which it measures the rate and estimates the time left.
type drainWatch struct {
	started   time.Time
	state     DrainState
	readings  []drainReading // the last few seconds, oldest first
	abandoned bool
}

type drainReading struct {
	t    time.Time
	left float64
}

// drainRateSpan is how far back the drain rate looks: long enough to smooth the producer's
// batches, short enough to follow a drain that slows down.
const drainRateSpan = 3 * time.Second

// observe takes one reading of the drain.
func (d *drainWatch) observe(now time.Time, st DrainState) {
	d.state = st
	if math.IsNaN(st.Left) {
		return
	}
	d.readings = append(d.readings, drainReading{now, st.Left})
	cut := 0
	for cut < len(d.readings)-2 && now.Sub(d.readings[cut+1].t) >= drainRateSpan {
		cut++
	}
	d.readings = d.readings[cut:]
}

// rate is the records resolved per second over the recent readings; NaN until two readings
// some time apart.
func (d *drainWatch) rate() float64 {
	if len(d.readings) < 2 {
		return math.NaN()
	}
	first, last := d.readings[0], d.readings[len(d.readings)-1]
	dt := last.t.Sub(first.t).Seconds()
	if dt <= 0 {
		return math.NaN()
	}
	return max(first.left-last.left, 0) / dt
}

// estimate is the time left at the recent rate: "—" while it cannot be told, "stalled" when
// nothing resolves.
func (d *drainWatch) estimate() string {
	left, r := d.state.Left, d.rate()
	switch {
	case left == 0:
		return "0s"
	case math.IsNaN(left) || math.IsNaN(r):
		return "estimating…"
	case r == 0:
		return "not moving"
	}
	return "≈ " + fmtDur(time.Duration(left/r*float64(time.Second))+time.Second/2)
}

// startDrain begins the drain: the load stops, the screen shows its progress from now on.
func (s *state) startDrain() tea.Cmd {
	s.drain = &drainWatch{started: s.opts.Now()}
	s.showHelp, s.confirm, s.confirmEM, s.filtering = false, 0, "", false
	dr := s.caps.drainer
	dr.StartDrain()
	s.drain.observe(s.opts.Now(), dr.Drain())
	return nil
}

// drainTick takes a reading at a frame tick and quits once the drain is done.
func (s *state) drainTick() tea.Cmd {
	s.drain.observe(s.opts.Now(), s.caps.drainer.Drain())
	if s.drain.state.Done {
		return tea.Quit
	}
	return nil
}

// drainKey handles a key while draining: q or Ctrl-C again abandons the drain; the rest wait.
func (s *state) drainKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, s.keys.Quit, s.keys.ForceQuit) {
		s.drain.abandoned = true
		s.caps.drainer.AbandonDrain()
		return tea.Quit
	}
	return nil
}

// drainScreen is the body while draining: records left, the rate, the time left, and how to
// abandon.
func (s *state) drainScreen() string {
	st, d := s.st, s.drain
	now := s.opts.Now()
	var b strings.Builder
	b.WriteString(st.Title.Render("Draining") + st.Muted.Render(" · load stopped; sending what the producer holds, then the summary") + "\n\n")
	row := func(label, value string) {
		b.WriteString("  " + st.Label.Render(padRight(label, 16)) + st.Value.Render(value) + "\n")
	}
	row("records left", fmtCount(d.state.Left))
	rate := d.rate()
	if math.IsNaN(rate) {
		row("drain rate", "measuring…")
	} else {
		row("drain rate", fmtNum(rate)+" records/s")
	}
	row("time left", d.estimate())
	row("draining for", fmtDur(now.Sub(d.started)))
	if !d.state.Deadline.IsZero() {
		row("gives up in", fmtDur(d.state.Deadline.Sub(now))+" (what is left then counts as unresolved)")
	}
	b.WriteString("\n" + st.Warn.Render("q again to abandon") + st.Muted.Render(": the summary counts the records still pending as they stand"))
	return b.String()
}
