package tui

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// key routes a key: pending question first, then the filter being typed, then the view (which
// may be editing), then the global keys.
func (s *state) key(msg tea.KeyMsg) tea.Cmd {
	k := s.keys
	if key.Matches(msg, k.ForceQuit) {
		return tea.Quit
	}
	if s.confirm > 0 {
		target := s.confirm
		switch {
		case key.Matches(msg, k.Yes):
			s.confirm = 0
			ctx, scaler := s.ctx, s.caps.scaler
			return controlCmd(fmt.Sprintf("UpdateShardCount to %d", target), func() (string, error) {
				return scaler.ScaleShards(ctx, target)
			})
		case key.Matches(msg, k.No):
			s.confirm = 0
			s.logf("info", "UpdateShardCount to %d: cancelled", target)
		}
		return nil
	}
	if s.confirmEM != "" {
		switch {
		case key.Matches(msg, k.Yes):
			s.confirmEM = ""
			ctx, en := s.ctx, s.caps.metrics
			return controlCmd("shard-level metrics", func() (string, error) { return en.EnableShardMetrics(ctx) })
		case key.Matches(msg, k.No):
			s.confirmEM = ""
			s.logf("info", "shard-level metrics: cancelled, nothing turned on")
		}
		return nil
	}
	if s.filtering {
		return s.filterKey(msg)
	}
	if s.showHelp {
		switch {
		case key.Matches(msg, k.Help), key.Matches(msg, k.Back):
			s.showHelp = false
		case key.Matches(msg, k.Quit):
			return tea.Quit
		}
		return nil
	}
	if cmd, handled := s.comps[s.view].update(msg); handled {
		return cmd
	}
	return s.globalKey(msg)
}

// globalKey handles the keys that work in every view. The keys of the controls this mode lacks
// are disabled, so they match no case here; pressing one says it does nothing.
func (s *state) globalKey(msg tea.KeyMsg) tea.Cmd {
	k, c := s.keys, s.caps
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		s.showHelp = true
	case key.Matches(msg, k.NextView):
		return s.switchView((s.view + 1) % numViews)
	case key.Matches(msg, k.PrevView):
		return s.switchView((s.view + numViews - 1) % numViews)
	case key.Matches(msg, k.View1), key.Matches(msg, k.View2), key.Matches(msg, k.View3),
		key.Matches(msg, k.View4), key.Matches(msg, k.View5), key.Matches(msg, k.View6):
		return s.switchView(ViewID(msg.Runes[0] - '1'))
	case key.Matches(msg, k.Pause):
		return func() tea.Msg {
			p := c.pauser.TogglePause()
			r := "resumed"
			if p {
				r = "paused"
			}
			return controlResultMsg{action: "pause/resume", result: r, paused: &p}
		}
	case key.Matches(msg, k.RateUp), key.Matches(msg, k.RateDown):
		f, action := 1.25, "rate ×1.25"
		if key.Matches(msg, k.RateDown) {
			f, action = 1/1.25, "rate ÷1.25"
		}
		return controlCmd(action, func() (string, error) {
			r, err := c.rate.ScaleRate(f)
			return fmt.Sprintf("target %s/s", fmtNum(r)), err
		})
	case key.Matches(msg, k.LimitUp), key.Matches(msg, k.LimitDown):
		d := 10.0
		if key.Matches(msg, k.LimitDown) {
			d = -10
		}
		return controlCmd(fmt.Sprintf("RateLimit %+.0f", d), func() (string, error) {
			p, err := c.limiter.AdjustRateLimit(d)
			return fmt.Sprintf("RateLimit %.0f%%", p), err
		})
	case key.Matches(msg, k.CycleKeys):
		return controlCmd("key strategy", func() (string, error) {
			k, err := c.shaper.CycleKeys()
			return "keys " + k, err
		})
	case key.Matches(msg, k.HotUp), key.Matches(msg, k.HotDown):
		d := 0.05
		if key.Matches(msg, k.HotDown) {
			d = -0.05
		}
		return controlCmd(fmt.Sprintf("hot-key fraction %+.2f", d), func() (string, error) {
			f, err := c.shaper.AdjustHotFraction(d)
			return fmt.Sprintf("hot-key fraction %.2f", f), err
		})
	case key.Matches(msg, k.Aggregation):
		return controlCmd("aggregation", func() (string, error) { return onOff(c.toggles.ToggleAggregation()) })
	case key.Matches(msg, k.Adapt):
		return controlCmd("adaptive limiting", func() (string, error) { return onOff(c.toggles.ToggleAdaptive()) })
	case key.Matches(msg, k.Split):
		return s.split()
	case key.Matches(msg, k.ShardMetrics):
		en := c.metrics
		return func() tea.Msg { return confirmMetricsMsg{question: en.ShardMetricsCost()} }
	case key.Matches(msg, k.Freeze):
		s.frozen = !s.frozen
		if s.frozen {
			s.logf("info", "display frozen (f resumes)")
		} else {
			s.refresh()
			s.logf("info", "display live")
		}
	case key.Matches(msg, k.Narrower), key.Matches(msg, k.Wider):
		i := s.winIdx + 1
		if key.Matches(msg, k.Narrower) {
			i = s.winIdx - 1
		}
		if i >= 0 && i < len(chartWindows) {
			s.winIdx = i
			s.env.window = chartWindows[i]
			s.refreshView()
		}
		s.logf("info", "chart window %s", fmtWindow(chartWindows[s.winIdx]))
	case key.Matches(msg, k.Filter):
		s.filtering = true
		s.filterIn.SetValue(s.env.filter)
		s.filterIn.CursorEnd()
		s.filterIn.Focus()
		if s.view != ViewShards {
			return s.switchView(ViewShards)
		}
	default:
		if b, ok := k.unavailableKey(msg); ok {
			s.logf("warn", "%s (%s): not available in this mode", b.Help().Key, b.Help().Desc)
		}
	}
	return nil
}

// filterKey edits the shard filter live: enter keeps it, esc clears it.
func (s *state) filterKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, s.keys.Enter):
		s.filtering = false
		s.filterIn.Blur()
		if s.env.filter != "" {
			s.logf("info", "filter shards %q", s.env.filter)
		}
		return nil
	case key.Matches(msg, s.keys.Back):
		s.filtering = false
		s.filterIn.Blur()
		s.env.filter = ""
		s.refreshView()
		return nil
	}
	var cmd tea.Cmd
	s.filterIn, cmd = s.filterIn.Update(msg)
	s.env.filter = s.filterIn.Value()
	s.refreshView()
	return cmd
}

func (s *state) switchView(v ViewID) tea.Cmd {
	s.view = v
	s.refreshView()
	if v == ViewSettings {
		return fetchSettings(s.caps.settings)
	}
	return nil
}

// split asks for the hottest shard to be split. Against AWS SplitHottest answers
// ErrNeedsConfirmation, and the dashboard asks before doubling the shard count; without a
// splitter (watch mode) it asks at once.
func (s *state) split() tea.Cmd {
	ctx, c := s.ctx, s.caps
	open := 0
	if snap := s.env.snap; snap != nil {
		open = len(snap.Shards)
	}
	const splitAction = "split hottest shard"
	// double asks to double the open shards (UpdateShardCount), for the key's action.
	double := func(action string) tea.Msg {
		switch {
		case c.scaler == nil:
			return controlResultMsg{action: action, err: errors.New("needs UpdateShardCount, which this mode cannot call")}
		case open == 0:
			return controlResultMsg{action: action, err: errors.New("needs UpdateShardCount, but the number of open shards is not known yet")}
		}
		return confirmScaleMsg{action: action, target: 2 * open}
	}
	if c.splitter == nil {
		return func() tea.Msg { return double("double the shards") }
	}
	return func() tea.Msg {
		r, err := c.splitter.SplitHottest(ctx)
		if errors.Is(err, ErrNeedsConfirmation) {
			return double(splitAction)
		}
		return controlResultMsg{action: splitAction, result: r, err: err}
	}
}

// controlCmd runs a control off the UI goroutine and reports it as a controlResultMsg.
func controlCmd(action string, fn func() (string, error)) tea.Cmd {
	return func() tea.Msg {
		r, err := fn()
		return controlResultMsg{action: action, result: r, err: err}
	}
}

// fetchSettings reads the live knobs off the UI goroutine; nil when the mode has none.
func fetchSettings(ed SettingsEditor) tea.Cmd {
	if ed == nil {
		return nil
	}
	return func() tea.Msg { return settingsMsg(ed.Settings()) }
}

func onOff(on bool, err error) (string, error) {
	if on {
		return "on", err
	}
	return "off", err
}
