package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/shardstorm/shardstorm/metrics"
)

// findingsView shows the advisor's findings and, below, the event log: the run's events merged
// with the dashboard's own (one per key result), scrollable, following the tail unless the
// user scrolled up.
type findingsView struct {
	w, h     int
	findings []metrics.Finding
	events   []Event
	scroll   int // lines up from the tail; 0 follows new events
	e        *env
	keys     findingsKeys
}

// findingsKeys scroll the event log; scroll is up and down together, for the hint line.
type findingsKeys struct{ up, down, pageUp, pageDown, scroll key.Binding }

func newFindingsView(k *KeyMap) *findingsView {
	return &findingsView{keys: findingsKeys{up: as(k.Up, "older events"), down: as(k.Down, "newer events"),
		pageUp: as(k.PageUp, "page of older events"), pageDown: as(k.PageDown, "page of newer events"),
		scroll: key.NewBinding(key.WithKeys(slices.Concat(k.Up.Keys(), k.Down.Keys())...), key.WithHelp("↑↓", "scroll the log"))}}
}

func (v *findingsView) ShortHelp() []key.Binding { return []key.Binding{v.keys.scroll} }

func (v *findingsView) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.up, k.down, k.pageUp, k.pageDown}}
}

func (v *findingsView) SetSize(w, h int) { v.w, v.h = w, h }

func (v *findingsView) refresh(e *env) {
	v.e = e
	v.findings = e.src.Findings()
	src := e.src.Events()
	v.events = slices.Grow(v.events[:0], len(src)+len(e.own))
	v.events = append(append(v.events, src...), e.own...)
	slices.SortStableFunc(v.events, func(a, b Event) int { return a.Time.Compare(b.Time) })
}

func (v *findingsView) update(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := v.keys
	page := max(v.logHeight()-1, 1)
	switch {
	case key.Matches(msg, k.up):
		v.scroll++
	case key.Matches(msg, k.down):
		v.scroll--
	case key.Matches(msg, k.pageUp):
		v.scroll += page
	case key.Matches(msg, k.pageDown):
		v.scroll -= page
	default:
		return nil, false
	}
	v.scroll = min(max(v.scroll, 0), max(len(v.events)-v.logHeight(), 0))
	return nil, true
}

// findingLines is how many lines the findings take: at most half the body.
func (v *findingsView) findingLines() []string {
	if v.e == nil {
		return nil
	}
	st := v.e.st
	lines := []string{st.Title.Render("Findings") + st.Muted.Render(" (the advisor's diagnoses, most severe first)")}
	if len(v.findings) == 0 {
		lines = append(lines, v.noFindingLines()...)
	}
	for _, f := range v.findings {
		glyph, style := "• ", st.Info
		switch f.Severity {
		case "critical":
			glyph, style = "✖ ", st.Bad
		case "warning":
			glyph, style = "! ", st.Warn
		}
		title := f.Title
		if title == "" {
			title = f.Rule
		}
		head := glyph + strings.ToUpper(f.Severity) + " " + title
		for _, about := range []string{f.ShardID, f.Key, f.API} {
			if about != "" {
				head += " [" + about + "]"
			}
		}
		lines = append(lines, style.Render(head))
		for _, l := range wrap(f.Summary, v.w-4) {
			lines = append(lines, "    "+l)
		}
		if f.Advice != "" {
			for _, l := range wrap("→ "+f.Advice, v.w-4) {
				lines = append(lines, "    "+st.Muted.Render(l))
			}
		}
		if f.Basis != "" {
			lines = append(lines, "    "+st.Info.Render(fitLine("basis: "+f.Basis, v.w-4)))
		}
	}
	if more := v.outsideLines(); more != nil {
		// Watch mode: what was checked matters more than the log; leave the log its header and
		// a few lines (fewer when it has fewer events).
		lines = append(lines, more...)
		return lines[:min(len(lines), max(v.h-3-min(max(len(v.events), 1), 4), 2))]
	}
	return lines[:min(len(lines), max(v.h/2, 2))]
}

func (v *findingsView) logHeight() int {
	return max(v.h-len(v.findingLines())-2, 1)
}

func (v *findingsView) View() string {
	if v.e == nil {
		return ""
	}
	st := v.e.st
	var b strings.Builder
	for _, l := range v.findingLines() {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
	lh := v.logHeight() - 1
	end := len(v.events) - v.scroll
	start := max(end-lh, 0)
	pos := "latest"
	if v.scroll > 0 {
		pos = fmtNum(float64(v.scroll)) + " lines up (↓ back)"
	}
	b.WriteString(st.Title.Render("Event log") + st.Muted.Render(" "+fmtNum(float64(len(v.events)))+" entries · "+pos+" · ↑↓ pgup pgdn"))
	if len(v.events) == 0 {
		b.WriteString("\n" + st.Muted.Render("no events yet"))
	}
	for _, ev := range v.events[start:max(end, start)] {
		glyph, style := "  ", st.Header
		switch ev.Level {
		case "error":
			glyph, style = "✖ ", st.Error
		case "warn":
			glyph, style = "! ", st.Warn
		}
		b.WriteString("\n" + st.Muted.Render(ev.Time.Format("15:04:05")) + " " + style.Render(glyph+ev.Text))
	}
	return b.String()
}
