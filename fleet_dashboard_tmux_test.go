//go:build unix

package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestFleetDashboardInTmux runs the dashboard of a fleet as a person would — `shardstorm run
// --producer putrecords --clients 300 --connectivity outage:5s:10s` on the embedded emulator,
// in a real terminal (tmux, 160×40) — and reads the screen: the Overview's fleet line shows
// every client offline and buffering during the outage, then all back online with the
// reconnect burst's peak; the Shards view shows the engine-only token columns as "—" with the
// note naming the producer; the Findings view shows the reconnect burst's finding; q exits 0
// with the fleet's lines in the summary.
func TestFleetDashboardInTmux(t *testing.T) {
	bin := buildBinary(t)
	// One shard, 400 records/s of 1,000 bytes from 300 clients, 50 ms away: the 4,000 records
	// held during the 10 s outage come back at once and the shard throttles them.
	term := newTerminal(t, 160, 40, fmt.Sprintf("%q run --producer putrecords --clients 300 --connectivity outage:5s:10s --fault-latency 50ms --shards 1 --rate 400 --record-size 1000 --no-cloudwatch", bin))
	term.waitFor("the dashboard to start", 60*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })

	// The outage: every client offline, each holding the records it could not send.
	outage := regexp.MustCompile(`putrecords clients 300 │ online 0 │ offline ▼ 300 │ buffering (\d+) \(([\d.]+k?) rec\)`)
	s := term.waitFor("every client offline and buffering", 60*time.Second, func(s string) bool {
		m := outage.FindStringSubmatch(s)
		return m != nil && m[1] != "0" && m[2] != "0"
	})
	t.Logf("during the outage: %s", outage.FindString(s))

	// The Shards view: a fleet has no token buckets; the columns say so instead of showing 0.
	term.send("2")
	tokens := regexp.MustCompile(`(?m)^\W*0\s+100%\s+[\d.]+%\s+[\d.]+%\s+—\s+—\s`)
	term.waitFor("the token columns as — with the note", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "tok — (not this producer: --producer putrecords)") && tokens.MatchString(s)
	})

	// After the outage: all back online, nothing offline, and the burst's peak kept in view.
	term.send("1")
	back := regexp.MustCompile(`online 300 │ offline 0 │ buffering \d+ \([\d.]+k? rec\) │ reconnects [\d.]+k?/s \(peak ([\d.]+k?)/s in 1m\)`)
	s = term.waitFor("the clients back online and the reconnect peak", 60*time.Second, func(s string) bool { return back.MatchString(s) })
	t.Logf("after the outage: %s", back.FindString(s))

	// The advisor names the burst: in the Findings view while it holds, and in its event log
	// (which keeps it after it clears).
	term.send("4")
	s = term.waitFor("the reconnect-burst finding", 60*time.Second, func(s string) bool {
		return strings.Contains(s, "Reconnect burst throttles the stream") && strings.Contains(s, "of 300 clients")
	})

	term.send("q")
	final := term.waitExit(60 * time.Second)
	for _, want := range []string{"producer    putrecords", "clients     300:", "at most 300 offline", "300 reconnects", "holds"} {
		if !strings.Contains(final, want) {
			t.Fatalf("the summary lacks %q; screen:\n%s", want, final)
		}
	}
}
