package cli

import (
	"context"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
)

// The dashboard's drain: it starts once (marking the signals' drain), shows the records left
// while it runs, says when it is done, and gives the run's summary.
func TestRunDrain(t *testing.T) { synctest.Test(t, testRunDrain) }

func testRunDrain(t *testing.T) {
	spec := app.DefaultWorkload()
	spec.Rate = 2000
	run, err := app.Start(context.Background(), app.Options{Workload: spec, SampleInterval: 100 * time.Millisecond, InProcess: true, NoCloudWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // virtual: two seconds of load
	starts := 0
	d := newRunDrain(run, map[string]any{"stream": "s"}, 30*time.Second, func() { starts++ })
	if st := d.Drain(); st.Done || math.IsNaN(st.Left) {
		t.Fatalf("before the drain: %+v", st)
	}
	d.StartDrain()
	d.StartDrain() // the dashboard's q, then startRun: one drain
	if starts != 1 {
		t.Fatalf("the drain started %d times", starts)
	}
	if st := d.Drain(); st.Deadline.IsZero() {
		t.Fatalf("no deadline: %+v", st)
	}
	sum, err := d.wait()
	if err != nil {
		t.Fatal(err)
	}
	if !d.Drain().Done {
		t.Fatal("the drain is over and does not say so")
	}
	if a := sum.Accounting; !a.Holds || a.Acknowledged == 0 || a.Pending != 0 {
		t.Fatalf("summary accounting %+v", a)
	}
}
