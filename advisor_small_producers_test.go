package main

import (
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
