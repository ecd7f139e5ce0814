package tui

import (
	"math"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// header is the two lines that are always on screen — stream, backend, elapsed time, target
// against achieved rate, paused and frozen — then the tabs.
func (s *state) header() string {
	st, e := s.st, s.env
	info := e.info
	sep := st.Muted.Render(" │ ")

	stream := info.Stream
	if stream == "" {
		stream = s.src.Store().Stream()
	}
	backend := info.Backend
	if backend == "" {
		backend = "?"
	}
	if info.Region != "" {
		backend += " " + info.Region
	}
	elapsed := dash
	if !info.Started.IsZero() {
		end := e.now
		if !info.Finished.IsZero() {
			end = info.Finished // the run's length, not the time spent reading it
		}
		elapsed = fmtDur(end.Sub(info.Started))
	}
	left := st.Title.Render("shardstorm") + sep +
		st.Label.Render("stream ") + st.Value.Render(stream) + sep +
		st.Label.Render("backend ") + st.Value.Render(backend) + sep +
		st.Label.Render("elapsed ") + st.Value.Render(elapsed)
	badges := []string{s.stateBadge()}
	if s.frozen {
		badges = append(badges, st.Frozen.Render(" FROZEN "))
	}
	line1 := spread(left, strings.Join(badges, " "), s.w)

	target, achieved, shards, thr := nan, nan, nan, nan
	if e.snap != nil {
		v := &e.snap.Stream
		target, achieved = v.Get(metrics.TargetRate), v.Get(metrics.UserRecordsPut)
		shards, thr = v.Get(metrics.OpenShards), v.Get(metrics.ThrottledFraction)
	}
	ach := st.Value.Render(fmtNum(achieved) + "/s")
	if target > 0 && !math.IsNaN(achieved) {
		pct := achieved / target * 100
		ach += " " + st.level(200-pct).Render("("+fmtPct(pct)+")")
	}
	rates := st.Label.Render("target ") + st.Value.Render(fmtNum(target)+"/s") + sep +
		st.Label.Render("achieved ") + ach
	if e.info.Backend == "watch" && e.snap != nil {
		// Watching a stream others load: no target, no user records; what the stream took
		// (CloudWatch's IncomingRecords) is the figure.
		rates = st.Label.Render("stream takes ") + st.Value.Render(fmtNum(e.snap.Stream.Get(metrics.PutRecords))+" Kinesis rec/s · "+
			fmtBytes(e.snap.Stream.Get(metrics.PutBytes))+"/s")
	}
	line2 := rates + sep +
		st.Label.Render("shards ") + st.Value.Render(fmtNum(shards)) + sep +
		st.Label.Render("throttled ") + st.level(thr*1000).Render(fmtPct(thr*100)) + sep +
		st.Label.Render("window ") + st.Value.Render(fmtWindow(e.window))
	return fitLine(line1, s.w) + "\n" + fitLine(line2, s.w) + "\n" + fitLine(s.tabs(), s.w)
}

var nan = math.NaN()

// tabs lists the views; the current one is bracketed as well as highlighted.
func (s *state) tabs() string {
	var b strings.Builder
	findings := 0
	if s.env.src != nil {
		findings = len(s.env.src.Findings())
	}
	for v := range numViews {
		label := string(rune('1'+v)) + " " + v.String()
		if v == ViewFindings && findings > 0 {
			// The advisor found something: say so from every view.
			label += " (" + fmtNum(float64(findings)) + ")"
		}
		if v == s.view {
			b.WriteString(s.st.ActiveTab.Render("[" + label + "]"))
		} else {
			b.WriteString(s.st.Tab.Render(" " + label + " "))
		}
		b.WriteByte(' ')
	}
	if s.filtering || s.env.filter != "" {
		b.WriteString(s.st.Info.Render(" filter: " + s.env.filter))
	}
	return b.String()
}

// statusLine shows a question waiting for an answer, the filter being typed, or the latest
// result of a key.
func (s *state) statusLine() string {
	st := s.st
	switch {
	case s.confirm > 0:
		return st.Warn.Render("? UpdateShardCount to " + fmtNum(float64(s.confirm)) + "? (y/n)")
	case s.confirmEM != "":
		return st.Warn.Render("? " + s.confirmEM + "? (y/n)")
	case s.filtering:
		return s.filterIn.View()
	}
	if n := len(s.env.own); n > 0 {
		ev := s.env.own[n-1]
		glyph, style := "✔ ", st.Status
		switch ev.Level {
		case "error":
			glyph, style = "✖ ", st.Error
		case "warn":
			glyph, style = "! ", st.Warn
		}
		return style.Render(glyph + ev.Time.Format("15:04:05") + " " + ev.Text)
	}
	return st.Muted.Render("ready")
}

// spread puts left and right on one line of width w, right aligned; when they do not fit the
// left part is cut, so the badges (PAUSED, FROZEN) always show.
func spread(left, right string, w int) string {
	gap := w - width(left) - width(right)
	if gap < 1 {
		return fitLine(left, max(w-width(right)-1, 0)) + " " + right
	}
	return left + strings.Repeat(" ", gap) + right
}

// stateBadge says what the run is doing: draining after q, finished after its --duration,
// paused, running; a watch is watching, or waiting for its first figures.
func (s *state) stateBadge() string {
	st, info := s.st, s.env.info
	switch {
	case s.drain != nil:
		return st.Warn.Render("◌ draining")
	case info.Backend == "watch" && s.env.snap == nil:
		return st.Muted.Render("◌ waiting for figures")
	case info.Backend == "watch":
		return st.OK.Render("◉ watching")
	case !info.Finished.IsZero():
		return st.Info.Render("■ finished")
	case s.paused:
		return st.Warn.Render("‖ PAUSED")
	}
	return st.OK.Render("▸ running")
}
