package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// In watch mode the Findings view says what the advisor checked and from what: after the
// findings (each with its basis), the sources read — status, resolution, cost — then what
// cannot be seen from outside the producer, and the shardstorm agents' table when agents
// publish their metrics. "No finding" then means "none from these sources", never "nothing is
// wrong".

// outsideLines are the watch-mode lines below the findings (nil outside watch mode).
func (v *findingsView) outsideLines() []string {
	outside, ok := v.e.src.(OutsideSource)
	if !ok {
		return nil
	}
	st := v.e.st
	view := outside.Outside()
	lines := []string{"", st.Title.Render("Sources") + st.Muted.Render(" (what the advisor reads, from outside the producer)")}
	if view == nil {
		lines = append(lines, st.Muted.Render("  waiting for the first figures"))
	} else {
		for _, s := range view.Sources {
			glyph, style := "○ ", st.Muted
			switch s.Status {
			case "reading":
				glyph, style = "● ", st.OK
			case "denied", "unavailable":
				glyph, style = "✖ ", st.Bad
			case "backing off":
				glyph, style = "! ", st.Warn
			}
			head := style.Render(glyph+s.Name+": "+s.Status) + st.Muted.Render(joinNonEmpty(" · ", s.Resolution, s.Detail))
			lines = append(lines, fitLine(head, v.w))
			if s.Cost != "" {
				for _, l := range wrap("cost: "+s.Cost, v.w-4) {
					lines = append(lines, "    "+st.Muted.Render(l))
				}
			}
		}
	}
	lines = append(lines, "", st.Title.Render("Cannot be seen from outside"))
	for _, u := range outside.Unseen() {
		for i, l := range wrap(u, v.w-4) {
			prefix := "  · "
			if i > 0 {
				prefix = "    "
			}
			lines = append(lines, prefix+l)
		}
	}
	if view != nil && view.Agents != nil {
		lines = append(lines, agentLines(st, view.Agents)...)
	}
	return lines
}

// noFindingLines say there is no finding: in watch mode, none from the sources read — never
// "nothing is wrong".
func (v *findingsView) noFindingLines() []string {
	st := v.e.st
	outside, ok := v.e.src.(OutsideSource)
	if !ok {
		return []string{st.OK.Render("✔ No finding applies: nothing the advisor checks is wrong right now.")}
	}
	var read []string
	if view := outside.Outside(); view != nil {
		for _, s := range view.Sources {
			if s.Status == "reading" {
				read = append(read, s.Name)
			}
		}
	}
	text, style := "✔ No finding from what can be seen: "+strings.Join(read, ", ")+".", st.OK
	if len(read) == 0 {
		text, style = "No finding: no source has given figures yet, so nothing has been checked.", st.Muted
	}
	var out []string
	for _, l := range wrap(text, v.w) {
		out = append(out, style.Render(l))
	}
	return out
}

// The names shardstorm agents publish (the KPL's), read into the agents' table.
const (
	agentRecordsName = "UserRecordsPut"
	agentBytesName   = "UserRecordsDataPut"
	agentErrorsName  = "AllErrors"
)

// agentLines is the agents' table: per agent its user records/s, bytes/s and errors/s over the
// figures' window, and the sums.
func agentLines(st *theme, f *metrics.CWFigures) []string {
	var agents []string
	for id := range f.Series {
		if id.Agent != "" && !slices.Contains(agents, id.Agent) {
			agents = append(agents, id.Agent)
		}
	}
	if len(agents) == 0 {
		return nil
	}
	slices.Sort(agents)
	rate := func(name, agent string) float64 {
		r := f.Rate(metrics.CWSeriesID{Name: name, Stat: "Sum", Agent: agent})
		if r != r {
			return 0
		}
		return r
	}
	row := func(a, r, b, e string) string {
		return fmt.Sprintf("  %-24s %14s %14s %10s", a, r, b, e)
	}
	lines := []string{"", st.Title.Render("shardstorm agents") + st.Muted.Render(fmt.Sprintf(" (%d publishing to %s)", len(agents), f.Namespace)),
		st.Header.Render(row("agent", "records/s", "bytes/s", "errors/s"))}
	var sr, sb, se float64
	for _, a := range agents {
		r, b, e := rate(agentRecordsName, a), rate(agentBytesName, a), rate(agentErrorsName, a)
		sr, sb, se = sr+r, sb+b, se+e
		lines = append(lines, row(a, fmtNum(r), fmtBytes(b), fmtNum(e)))
	}
	return append(lines, st.Value.Render(row("all agents", fmtNum(sr), fmtBytes(sb), fmtNum(se))))
}

func joinNonEmpty(sep string, parts ...string) string {
	var out string
	for _, p := range parts {
		if p != "" {
			out += sep + p
		}
	}
	return out
}
