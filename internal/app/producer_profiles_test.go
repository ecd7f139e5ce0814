package app

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/workload"
)

// profileRun runs a workload of rate records/s of size bytes with random keys for d on shards
// shards through the engine of eng, in process on virtual time, and returns the run (stopped)
// and its summary.
func profileRun(t *testing.T, eng EngineOptions, shards int, rate float64, size string, d time.Duration, tune func(*Options)) (*Run, metrics.Summary) {
	t.Helper()
	ctx := context.Background()
	spec := workload.DefaultSpec()
	spec.Rate, spec.Duration = rate, d
	spec.Keys, _ = workload.ParseKeys("random")
	spec.Size, _ = workload.ParseSize(size)
	opts := Options{Workload: spec, Shards: shards, Engine: eng, InProcess: true, NoCloudWatch: true}
	if tune != nil {
		tune(&opts)
	}
	r, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	<-r.Done()
	stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	sum, err := r.Stop(stopCtx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, sum
}

// accountingExact checks the run's identity and that the results the sink saw agree with the
// engine's counters, record for record.
func accountingExact(t *testing.T, r *Run, sum metrics.Summary) {
	t.Helper()
	a := sum.Accounting
	if !a.Holds || a.Acknowledged+a.MaybeStored+a.NotStored+a.NeverSent+a.Dropped+a.Pending != a.Scheduled || a.Pending != 0 {
		t.Fatalf("accounting does not hold: %+v", a)
	}
	if o := r.sink.Outcomes(); o.Acknowledged != a.Acknowledged || o.MaybeStored != a.MaybeStored || o.NotStored != a.NotStored || o.NeverSent != a.NeverSent {
		t.Errorf("the results seen (%+v) and the engine's counters (%+v) disagree", o, a)
	}
	if gt, ok := r.GroundTruth(); ok && gt.Total.AcceptedUserRecords < a.Acknowledged {
		t.Errorf("the emulator stored %d user records, fewer than the %d acknowledged", gt.Total.AcceptedUserRecords, a.Acknowledged)
	}
}

// --producer kpl is shardstorm's engine as the KPL behaves: RateLimit 150, no adaptive
// limiting; its controls work as shardstorm's do, and the report names the producer.
func TestKPLProfileIsTheEngineAsTheKPLBehaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, sum := profileRun(t, EngineOptions{Profile: ProfileKPL}, 2, 1000, "200", 5*time.Second, nil)
		cfg := r.eng.(tunable).Config()
		if cfg.RateLimit != 150 || !cfg.DisableAdaptive {
			t.Errorf("kpl: RateLimit %v, adaptive %v; want 150, off", cfg.RateLimit, !cfg.DisableAdaptive)
		}
		if sum.Producer != ProfileKPL || sum.Fleet != nil {
			t.Errorf("summary: producer %q, fleet %+v", sum.Producer, sum.Fleet)
		}
		if s := r.sampler.Store().Latest(); s == nil || s.Settings.Profile != ProfileKPL || s.Settings.Adaptive || s.Settings.RateLimit != 150 {
			t.Errorf("snapshot settings %+v", s.Settings)
		}
		accountingExact(t, r, sum)
	})
}

// A fleet's run refuses the controls of shardstorm's engine in words, never silently: the
// dashboard logs the answer.
func TestFleetRefusesEngineControlsNamingTheProducer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		spec := workload.DefaultSpec()
		spec.Rate = 100
		r, err := Start(ctx, Options{Workload: spec, Shards: 1, Engine: EngineOptions{Profile: ProfilePutRecords}, InProcess: true, NoCloudWatch: true})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Stop(ctx, nil)
		_, errRate := r.AdjustRateLimit(10)
		_, errAgg := r.ToggleAggregation()
		_, errAdapt := r.ToggleAdaptive()
		errSet := r.Set("rate-limit", "120")
		for _, err := range []error{errRate, errAgg, errAdapt, errSet} {
			if err == nil || !strings.Contains(err.Error(), "not for --producer putrecords") {
				t.Errorf("control answered %v", err)
			}
		}
		for _, s := range r.Settings() {
			if s.Name == "rate-limit" && !strings.Contains(s.Value, "not this producer: --producer putrecords") {
				t.Errorf("Settings shows rate-limit %q", s.Value)
			}
		}
	})
}
