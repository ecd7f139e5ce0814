package tui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is every key of the dashboard. The keys of one view (selection, sort, edit) are listed
// in that view's help (its ShortHelp and FullHelp, with descriptions of what they do there); the
// root puts them before the keys that work everywhere on the hint line and the ? screen.
type KeyMap struct {
	NextView, PrevView, View1, View2, View3, View4, View5, View6 key.Binding

	Pause, RateUp, RateDown, LimitDown, LimitUp   key.Binding
	CycleKeys, HotUp, HotDown, Aggregation, Adapt key.Binding
	Split, Freeze, Narrower, Wider, Filter, Help  key.Binding
	ShardMetrics                                  key.Binding
	Quit, ForceQuit                               key.Binding

	// Within views.
	Up, Down, PageUp, PageDown, Enter, Back, Sort key.Binding
	Yes, No                                       key.Binding

	// unavailable are the keys of the controls this mode lacks. They are disabled, so they match
	// nothing and no help lists them; kept here so that pressing one can say it does nothing.
	unavailable []key.Binding
}

func defaultKeyMap() *KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &KeyMap{
		NextView: b("tab", "next view", "tab"),
		PrevView: b("shift+tab", "previous view", "shift+tab"),
		View1:    b("1", "overview", "1"),
		View2:    b("2", "shards", "2"),
		View3:    b("3", "cloudwatch", "3"),
		View4:    b("4", "findings", "4"),
		View5:    b("5", "settings", "5"),
		View6:    b("6", "heatmap", "6"),

		Pause:        b("space", "pause/resume", " "),
		RateUp:       b("+", "rate ×1.25", "+", "="),
		RateDown:     b("-", "rate ÷1.25", "-"),
		LimitDown:    b("[", "RateLimit −10", "["),
		LimitUp:      b("]", "RateLimit +10", "]"),
		CycleKeys:    b("k", "next key strategy", "k"),
		HotUp:        b("h", "hot key +5%", "h"),
		HotDown:      b("H", "hot key −5%", "H"),
		Aggregation:  b("a", "aggregation on/off", "a"),
		Adapt:        b("d", "adaptive limiting on/off", "d"),
		Split:        b("s", "split hottest shard", "s"),
		ShardMetrics: b("e", "shard metrics on (asks; costs money)", "e"),
		Freeze:       b("f", "freeze display", "f"),
		Narrower:     b("<", "shorter chart window", "<", ","),
		Wider:        b(">", "longer chart window", ">", "."),
		Filter:       b("/", "filter shards", "/"),
		Help:         b("?", "help", "?"),
		Quit:         b("q", "quit", "q"),
		ForceQuit:    b("ctrl+c", "quit", "ctrl+c"),

		Up:       b("↑", "up", "up"),
		Down:     b("↓", "down", "down"),
		PageUp:   b("pgup", "page up", "pgup"),
		PageDown: b("pgdn", "page down", "pgdown"),
		Enter:    b("enter", "open / edit / apply", "enter"),
		Back:     b("esc", "back / cancel", "esc"),
		Sort:     b("o", "cycle sort column", "o"),
		Yes:      b("y", "yes", "y", "Y"),
		No:       b("n", "no", "n", "N", "esc"),
	}
}

// newKeyMap is the key map for the controls found: the keys of missing ones are disabled.
func newKeyMap(c capabilities) *KeyMap {
	k := defaultKeyMap()
	k.keepIf(c.pauser != nil, &k.Pause)
	k.keepIf(c.rate != nil, &k.RateUp, &k.RateDown)
	k.keepIf(c.limiter != nil, &k.LimitDown, &k.LimitUp)
	k.keepIf(c.shaper != nil, &k.CycleKeys, &k.HotUp, &k.HotDown)
	k.keepIf(c.toggles != nil, &k.Aggregation, &k.Adapt)
	if c.splitter == nil && c.scaler != nil {
		// No split of one shard (a stream others load): s asks to double the shards.
		k.Split.SetHelp("s", "double the shards (asks)")
	}
	k.keepIf(c.splitter != nil || c.scaler != nil, &k.Split)
	k.keepIf(c.metrics != nil, &k.ShardMetrics)
	return k
}

// keepIf disables the bindings unless ok, and remembers them as unavailable.
func (k *KeyMap) keepIf(ok bool, bindings ...*key.Binding) {
	if ok {
		return
	}
	for _, b := range bindings {
		b.SetEnabled(false)
		k.unavailable = append(k.unavailable, *b)
	}
}

// unavailableKey is the disabled binding msg would have matched, if there is one.
func (k *KeyMap) unavailableKey(msg tea.KeyMsg) (key.Binding, bool) {
	for _, b := range k.unavailable {
		if slices.Contains(b.Keys(), msg.String()) {
			return b, true
		}
	}
	return key.Binding{}, false
}

// everywhere is the keys that work in every view, by column for the ? screen: views, load,
// producer and shards, display.
func (k *KeyMap) everywhere() [][]key.Binding {
	return [][]key.Binding{
		{k.NextView, k.PrevView, k.View1, k.View2, k.View3, k.View4, k.View5, k.View6, k.Help, k.Quit},
		{k.Pause, k.RateUp, k.RateDown, k.CycleKeys, k.HotUp, k.HotDown},
		{k.LimitDown, k.LimitUp, k.Aggregation, k.Adapt, k.Split, k.ShardMetrics},
		{k.Freeze, k.Narrower, k.Wider, k.Filter},
	}
}

// hintEverywhere is the part of the hint line for the keys that work in every view, after the
// view's own: the keys a newcomer needs first.
func (k *KeyMap) hintEverywhere() []key.Binding {
	return []key.Binding{k.Pause, k.RateUp, k.RateDown, k.CycleKeys, k.Split, k.Freeze}
}

// as is a copy of b that says what it does in one view, e.g. enter: "shard details".
func as(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// noKeys is embedded by views without keys of their own.
type noKeys struct{}

func (noKeys) ShortHelp() []key.Binding  { return nil }
func (noKeys) FullHelp() [][]key.Binding { return nil }
