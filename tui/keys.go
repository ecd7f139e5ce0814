package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key of the dashboard. It implements help.KeyMap: the short form is the hint
// line always at the bottom, the full form is the ? screen.
type KeyMap struct {
	NextView, PrevView, View1, View2, View3, View4, View5 key.Binding

	Pause, RateUp, RateDown, LimitDown, LimitUp   key.Binding
	CycleKeys, HotUp, HotDown, Aggregation, Adapt key.Binding
	Split, Freeze, Narrower, Wider, Filter, Help  key.Binding
	Quit, ForceQuit                               key.Binding

	// Within views.
	Up, Down, PageUp, PageDown, Enter, Back, Sort key.Binding
	Yes, No                                       key.Binding
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

		Pause:       b("space", "pause/resume", " "),
		RateUp:      b("+", "rate ×1.25", "+", "="),
		RateDown:    b("-", "rate ÷1.25", "-"),
		LimitDown:   b("[", "RateLimit −10", "["),
		LimitUp:     b("]", "RateLimit +10", "]"),
		CycleKeys:   b("k", "next key strategy", "k"),
		HotUp:       b("h", "hot key +5%", "h"),
		HotDown:     b("H", "hot key −5%", "H"),
		Aggregation: b("a", "aggregation on/off", "a"),
		Adapt:       b("d", "adaptive limiting on/off", "d"),
		Split:       b("s", "split hottest shard", "s"),
		Freeze:      b("f", "freeze display", "f"),
		Narrower:    b("<", "shorter chart window", "<", ","),
		Wider:       b(">", "longer chart window", ">", "."),
		Filter:      b("/", "filter shards", "/"),
		Help:        b("?", "help", "?"),
		Quit:        b("q", "quit", "q"),
		ForceQuit:   b("ctrl+c", "quit", "ctrl+c"),

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

// ShortHelp is the hint line: the keys a newcomer needs first.
func (k *KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.NextView, k.Pause, k.RateUp, k.RateDown, k.CycleKeys, k.Split, k.Freeze}
}

// FullHelp is the ? screen, by column: views, load, producer, display.
func (k *KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextView, k.PrevView, k.View1, k.View2, k.View3, k.View4, k.View5, k.Help, k.Quit},
		{k.Pause, k.RateUp, k.RateDown, k.CycleKeys, k.HotUp, k.HotDown},
		{k.LimitDown, k.LimitUp, k.Aggregation, k.Adapt, k.Split},
		{k.Freeze, k.Narrower, k.Wider, k.Filter, k.Sort, k.Up, k.Down, k.Enter, k.Back},
	}
}
