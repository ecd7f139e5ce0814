package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// settingsView lists every live knob; enter edits one in place, enter again applies it through
// SettingsEditor.Set (in a command), esc cancels. A refused value stays in the editor with the
// error beside it, so it can be corrected. Without a SettingsEditor it says the mode has none.
type settingsView struct {
	ed       SettingsEditor // nil: no live settings in this mode
	keys     settingsKeys
	w, h     int
	settings []Setting
	cursor   int
	edit     bool
	applying bool
	input    textinput.Model
	errs     map[string]string // the last error per knob
	e        *env
}

// settingsKeys are the Settings view's keys: select, then edit, then apply or cancel.
type settingsKeys struct{ up, down, edit, apply, cancel key.Binding }

func newSettingsView(k *KeyMap, ed SettingsEditor) *settingsView {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 256
	keys := settingsKeys{up: as(k.Up, "previous setting"), down: as(k.Down, "next setting"), edit: as(k.Enter, "edit"),
		apply: as(k.Enter, "apply"), cancel: as(k.Back, "cancel")}
	return &settingsView{ed: ed, keys: keys, input: in, errs: map[string]string{}}
}

// ShortHelp is the keys of the present state: selecting or editing.
func (v *settingsView) ShortHelp() []key.Binding {
	switch {
	case v.ed == nil || len(v.settings) == 0:
		return nil
	case v.edit:
		return []key.Binding{v.keys.apply, v.keys.cancel}
	}
	return []key.Binding{v.keys.edit}
}

func (v *settingsView) FullHelp() [][]key.Binding {
	switch {
	case v.ed == nil || len(v.settings) == 0:
		return nil
	case v.edit:
		return [][]key.Binding{{v.keys.apply, v.keys.cancel}}
	}
	return [][]key.Binding{{v.keys.up, v.keys.down, v.keys.edit}}
}

func (v *settingsView) SetSize(w, h int) { v.w, v.h = w, h; v.input.Width = max(w-40, 10) }
func (v *settingsView) refresh(e *env)   { v.e = e }
func (v *settingsView) editing() bool    { return v.edit }

// receive takes the settings list or the result of a Set.
func (v *settingsView) receive(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case settingsMsg:
		if !v.edit {
			v.settings = msg
			v.cursor = min(max(v.cursor, 0), max(len(v.settings)-1, 0))
		}
	case setResultMsg:
		v.applying = false
		if msg.err != nil {
			v.errs[msg.name] = msg.err.Error()
			return nil // keep editing: the value can be corrected
		}
		delete(v.errs, msg.name)
		v.edit = false
		v.input.Blur()
		return fetchSettings(v.ed)
	}
	return nil
}

func (v *settingsView) update(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := v.keys
	if v.edit {
		switch {
		case key.Matches(msg, k.cancel):
			v.edit = false
			v.input.Blur()
			if v.cursor < len(v.settings) {
				delete(v.errs, v.settings[v.cursor].Name)
			}
		case key.Matches(msg, k.apply):
			if v.applying || v.cursor >= len(v.settings) {
				return nil, true
			}
			v.applying = true
			name, value, ed := v.settings[v.cursor].Name, v.input.Value(), v.ed
			return func() tea.Msg { return setResultMsg{name: name, value: value, err: ed.Set(name, value)} }, true
		default:
			var cmd tea.Cmd
			v.input, cmd = v.input.Update(msg)
			return cmd, true
		}
		return nil, true
	}
	switch {
	case key.Matches(msg, k.up):
		v.cursor = max(v.cursor-1, 0)
	case key.Matches(msg, k.down):
		v.cursor = min(v.cursor+1, max(len(v.settings)-1, 0))
	case key.Matches(msg, k.edit):
		if v.cursor < len(v.settings) {
			v.edit = true
			v.input.SetValue(v.settings[v.cursor].Value)
			v.input.CursorEnd()
			return v.input.Focus(), true
		}
	default:
		return nil, false
	}
	return nil, true
}

func (v *settingsView) View() string {
	if v.e == nil {
		return ""
	}
	st := v.e.st
	var b strings.Builder
	if v.ed == nil {
		b.WriteString(st.Title.Render("Settings") + "\n" + st.Muted.Render("nothing to set: this mode has no live settings"))
		return b.String()
	}
	b.WriteString(st.Title.Render("Settings") + st.Muted.Render(" live knobs · ↑↓ select · enter edit · enter apply · esc cancel") + "\n")
	if len(v.settings) == 0 {
		b.WriteString(st.Muted.Render("no live settings reported"))
		return b.String()
	}
	const nameW, valW = 18, 22
	// Each setting takes one line, two when it is being edited or has an error.
	rows := max(v.h-1, 1)
	start := max(v.cursor-rows/2, 0)
	for i := start; i < len(v.settings); i++ {
		s := v.settings[i]
		marker := "  "
		name := padRight(s.Name, nameW)
		if i == v.cursor {
			marker = st.Selected.Render("▸") + " "
			name = st.Selected.Render(name)
		}
		line := marker + name + " "
		if i == v.cursor && v.edit {
			line += v.input.View()
			if v.applying {
				line += st.Muted.Render("  applying…")
			}
		} else {
			line += st.Value.Render(padRight(s.Value, valW)) + " " + st.Muted.Render(s.Help)
		}
		b.WriteString(line + "\n")
		if msg, ok := v.errs[s.Name]; ok && i == v.cursor {
			b.WriteString("    " + st.Error.Render("✖ "+msg) + "\n")
		}
	}
	return b.String()
}
