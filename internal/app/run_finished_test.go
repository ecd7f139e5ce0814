package app

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// A run whose --duration has ended is finished for the dashboard (the header says so and
// elapsed stops at the run's length); a run still loading is not, and neither is one that Stop
// ended (the dashboard shows its drain instead).
func TestRunInfoFinishedAfterItsDuration(t *testing.T) { synctest.Test(t, testRunInfoFinished) }

func testRunInfoFinished(t *testing.T) {
	spec := DefaultWorkload()
	spec.Rate, spec.Duration = 500, 3*time.Second
	r, err := Start(context.Background(), Options{Workload: spec, SampleInterval: 100 * time.Millisecond, InProcess: true, NoCloudWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := r.Info().Finished; !f.IsZero() {
		t.Fatalf("finished at %v while loading", f)
	}
	<-r.Done()
	f := r.Info().Finished
	if got := f.Sub(r.Info().Started); got < 3*time.Second || got > 4*time.Second {
		t.Fatalf("finished %v after the start, want its 3 s duration", got)
	}
	time.Sleep(10 * time.Second) // virtual: reading the dashboard does not move the finish
	if g := r.Info().Finished; !g.Equal(f) {
		t.Fatalf("the finish moved from %v to %v", f, g)
	}
	if _, err := r.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}

	spec.Duration = 0
	r2, err := Start(context.Background(), Options{Workload: spec, SampleInterval: 100 * time.Millisecond, InProcess: true, NoCloudWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r2.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if f := r2.Info().Finished; !f.IsZero() {
		t.Fatalf("a run Stop ended shows finished at %v", f)
	}
}
