package tui

import (
	"slices"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
)

// The hint line and the ? screen list the keys that work here and now: the visible view's own
// (each view is a help.KeyMap of its present state), then those that work everywhere, less the
// keys of the controls this mode lacks (disabled, so help leaves them out).

// The root's help is the visible view's and the dashboard's keys together.
var _ help.KeyMap = (*state)(nil)

// ShortHelp is the hint line: how to get help and out, the visible view's keys, then the keys
// a newcomer needs first. Disabled keys (controls this mode lacks) are left out by help.
func (s *state) ShortHelp() []key.Binding {
	k := s.keys
	if s.drain != nil {
		return []key.Binding{as(k.Quit, "again: abandon the drain")}
	}
	everywhere := k.hintEverywhere()
	if !s.env.info.Finished.IsZero() { // no load left to change: its keys would only say so
		load := k.loadKeys()
		everywhere = slices.DeleteFunc(everywhere, func(b key.Binding) bool {
			return slices.ContainsFunc(load, func(l key.Binding) bool { return slices.Equal(l.Keys(), b.Keys()) })
		})
	}
	return slices.Concat([]key.Binding{k.Help, k.Quit, k.NextView}, s.comps[s.view].ShortHelp(), everywhere)
}

// hintLine is the hint line: as many whole items of ShortHelp as fit, then "…" when some did
// not (help's own cut lets an item through when its "…" would not fit, to be cut mid-word).
func (s *state) hintLine() string {
	items := enabled(s.ShortHelp())
	for n := len(items); n > 0; n-- {
		line := s.help.ShortHelpView(items[:n])
		if n < len(items) {
			line += " " + s.help.Styles.Ellipsis.Render(s.help.Ellipsis)
		}
		if width(line) <= s.w {
			return line
		}
	}
	return ""
}

// FullHelp is the ? screen: the visible view's keys first, then those that work everywhere.
func (s *state) FullHelp() [][]key.Binding {
	return append(s.comps[s.view].FullHelp(), s.keys.everywhere()...)
}

// helpScreen is the ? screen's body: the keys that work here, the view's first.
func (s *state) helpScreen(w int) string {
	which := " · ? or esc closes"
	if len(s.comps[s.view].FullHelp()) > 0 {
		which = " · " + s.view.String() + " view first, then everywhere" + which
	}
	return s.st.Title.Render("Keys") + s.st.Muted.Render(which) + "\n\n" + s.help.FullHelpView(regroup(s.FullHelp(), w))
}

// regroup spreads the help's enabled bindings over as many columns as the width holds (help
// draws each group as one column and cuts what does not fit), keeping their order.
func regroup(groups [][]key.Binding, w int) [][]key.Binding {
	all := enabled(slices.Concat(groups...))
	const colW = 30 // the widest key + description + help's separator
	cols := max(min(w/colW, len(groups)), 1)
	per := (len(all) + cols - 1) / cols
	out := make([][]key.Binding, 0, cols)
	for i := 0; i < len(all); i += per {
		out = append(out, all[i:min(i+per, len(all))])
	}
	return out
}

// enabled is the bindings that are enabled, in order.
func enabled(bindings []key.Binding) []key.Binding {
	return slices.DeleteFunc(slices.Clone(bindings), func(b key.Binding) bool { return !b.Enabled() })
}
