package main

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// The small-producer scenarios, each with the finding it stages (virtual time, in process).

func TestAdvisorPutRecordRounding(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "putrecord-rounding")
		f := waitFinding(t, run, "putrecord-rounding", findingWithin, func(f metrics.Finding) error {
			return has(f.Summary+f.Advice, "as 2 KiB", "at most 512 records/s", "Send with PutRecords")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

func TestAdvisorReconnectBurstAfterAnOutage(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "iot-flaky")
		// The outage starts 20 s in and lasts 10 s: the burst comes at 30 s.
		f := waitFinding(t, run, "reconnect-burst-throttles", 30*time.Second+findingWithin, func(f metrics.Finding) error {
			return has(f.Summary+f.Advice, "of 1,000 clients", "jitter")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

func TestAdvisorBrowserPutsOnTheCriticalPath(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "browser-putrecord")
		f := waitFinding(t, run, "puts-on-critical-path", findingWithin, func(f metrics.Finding) error {
			return has(f.Advice, "background sender")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

// mobile-fleet is the page's advice for mobile apps followed: PutRecords, gathering records for
// 2 s, a buffer for the minutes without a network. What it shows is why such an app must not
// wait on a put: phones drop off the network now and then (flaky:60s/10s, a seventh offline at
// any time), and a put's result waits out the lost connection, so the application-side p99 is
// the 10 s offline, not the 120 ms network. The clients batch (no clients-not-batching) and
// come back one by one, never together (no reconnect-burst-throttles).
func TestAdvisorMobileFleetWaitsOutLostConnections(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "mobile-fleet")
		f := waitFinding(t, run, "puts-on-critical-path", 30*time.Second, func(f metrics.Finding) error {
			if p99, _ := f.Evidence["application_latency_ms_p99"].(float64); p99 < 8000 {
				return fmt.Errorf("p99 %.0f ms: the 10 s offline not in it yet", p99)
			}
			// 2,000 clients, each offline 10 s of every 70, phases spread: about 286 at once.
			if off, _ := f.Evidence["max_clients_offline"].(float64); off < 250 || off > 330 {
				return fmt.Errorf("at most %.0f clients offline at once, want about 286", off)
			}
			return has(f.Summary, "of 2,000 offline at once", "waits out the lost connection")
		})
		for _, g := range run.Findings() {
			if g.Rule == "clients-not-batching" || g.Rule == "reconnect-burst-throttles" {
				t.Errorf("a fleet that batches every 2 s and reconnects one phone at a time: %s: %s", g.Rule, g.Summary)
			}
		}
		t.Log(f.Summary, "\n", f.Advice)
	})
}
