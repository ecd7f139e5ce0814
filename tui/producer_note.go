package tui

import (
	"math"

	"github.com/shardstorm/shardstorm/metrics"
)

// notThisProducer is the note beside a figure that only shardstorm's engine has (its token
// buckets, its limiter), when the run's producer is a fleet of simple clients: "" otherwise.
func notThisProducer(snap *metrics.Snapshot) string {
	if snap == nil || !snap.Settings.Fleet() {
		return ""
	}
	return "(not this producer: --producer " + snap.Settings.Profile + ")"
}

// fleetLine is the Overview's line about a fleet's clients — online, offline, buffering, the
// records they hold and the reconnections per second (the burst after an outage) — or "".
func fleetLine(e *env) string {
	st, snap := e.st, e.snap
	if snap == nil || snap.Fleet == nil {
		return ""
	}
	c := snap.Fleet
	sep := st.Muted.Render(" │ ")
	offline := st.Value.Render(fmtNum(float64(c.Offline)))
	if c.Offline > 0 {
		offline = st.Warn.Render("▼ " + fmtNum(float64(c.Offline)))
	}
	line := st.Label.Render(snap.Settings.Profile+" clients ") + st.Value.Render(fmtNum(float64(c.Clients))) + sep +
		st.Label.Render("online ") + st.Value.Render(fmtNum(float64(c.Online))) + sep +
		st.Label.Render("offline ") + offline + sep +
		st.Label.Render("buffering ") + st.Value.Render(fmtNum(float64(c.Buffering))+" ("+fmtNum(float64(c.Buffered))+" rec)")
	if r := snap.Stream.Get(metrics.ReconnectsPerSec); !math.IsNaN(r) {
		rs := st.Value.Render(fmtNum(r) + "/s")
		if r > 0 {
			rs = st.Warn.Render("↑ " + fmtNum(r) + "/s")
		}
		line += sep + st.Label.Render("reconnects ") + rs
		// The burst after an outage lasts a sample or two: keep its peak in view.
		peak := 0.0
		for _, p := range e.series(metrics.ReconnectsPerSec.String(), "") {
			peak = math.Max(peak, p.V)
		}
		if peak > r {
			line += st.Muted.Render(" (peak ") + st.Warn.Render(fmtNum(peak)+"/s") + st.Muted.Render(" in "+fmtWindow(e.window)+")")
		}
	}
	if p99 := snap.Stream.Get(metrics.EndToEndP99); !math.IsNaN(p99) {
		line += sep + st.Label.Render("app waits p99 ") + st.Value.Render(fmtMs(p99))
	}
	return line
}
