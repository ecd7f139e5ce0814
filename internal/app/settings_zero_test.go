package app

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/workload"
)

// In the dashboard's Settings view, 0 for a knob whose zero the producer would read as its
// default is refused, as the flag, the config file and the variable refuse it: typing 0 for
// rate-limit once said "applied" and showed 150 (issue 14, item 11). Rate 0 too (item 1).
func TestSettingsRefuseZero(t *testing.T) { synctest.Test(t, testSettingsRefuseZero) }

func testSettingsRefuseZero(t *testing.T) {
	spec := DefaultWorkload()
	spec.Rate = 100
	r, err := Start(context.Background(), Options{Workload: spec, NoCloudWatch: true, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop(context.Background(), nil)
	before := r.eng.(tunable).Config()
	for _, name := range []string{"rate-limit", "max-connections", "record-max-buffered-time", "rate"} {
		value := "0"
		if name == "record-max-buffered-time" {
			value = "0s"
		}
		err := r.Set(name, value)
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "more than 0") {
			t.Errorf("Set %s %s: %v, want a refusal naming it", name, value, err)
		}
	}
	if after := r.eng.(tunable).Config(); after.RateLimit != before.RateLimit || after.MaxConnections != before.MaxConnections {
		t.Errorf("a refused 0 changed the producer: rate-limit %v → %v, connections %d → %d", before.RateLimit, after.RateLimit,
			before.MaxConnections, after.MaxConnections)
	}
	if got := r.gen.Stats().TargetRate; got != 100 {
		t.Errorf("a refused rate 0 changed the rate to %v", got)
	}
}

// A program's workload with rate 0 is its own, never replaced by the demo's (whose 6000/s ran
// past the --duration asked for): only a workload left entirely unset is the demo.
func TestRateZeroWorkloadIsNotTheDemo(t *testing.T) {
	spec := workload.DefaultSpec()
	spec.Rate, spec.Duration = 0, 2*time.Second
	if got := (Options{Workload: spec}).withDefaults().Workload; got.Rate != 0 || got.Duration != 2*time.Second {
		t.Errorf("rate-0 workload became rate %v, duration %v", got.Rate, got.Duration)
	}
	if got := (Options{}).withDefaults().Workload; got.Rate != DefaultWorkload().Rate {
		t.Errorf("an unset workload is not the demo: rate %v", got.Rate)
	}
}
