package cli

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/tui"
)

// runDrain is the end of a run: the load stops, the producer drains (within drainTimeout), and
// the summary is made. It starts once, from the dashboard's q (tui.Drainer: the dashboard
// stays up and shows the drain) or from startRun after a headless run, a signal or a dashboard
// that quit without it; startRun waits for it either way.
type runDrain struct {
	run     *app.Run
	config  map[string]any
	timeout time.Duration
	// onStart runs as the drain begins: a signal from then on counts as the second.
	onStart func()

	once      sync.Once
	ctx       context.Context
	cancel    context.CancelFunc
	deadline  time.Time
	done      chan struct{}
	abandoned atomic.Bool
	sum       metrics.Summary
	err       error
}

var _ tui.Drainer = (*runDrain)(nil)

func newRunDrain(run *app.Run, config map[string]any, timeout time.Duration, onStart func()) *runDrain {
	return &runDrain{run: run, config: config, timeout: timeout, onStart: onStart, done: make(chan struct{})}
}

// StartDrain stops the load and drains the producer in the background.
func (d *runDrain) StartDrain() {
	d.once.Do(func() {
		if d.onStart != nil {
			d.onStart()
		}
		d.deadline = time.Now().Add(d.timeout)
		d.ctx, d.cancel = context.WithDeadline(context.Background(), d.deadline)
		go func() {
			defer close(d.done)
			d.sum, d.err = d.run.Stop(d.ctx, d.config)
			d.cancel()
		}()
	})
}

// Drain is the drain's progress: the user records still pending, from the latest sample (the
// sampler runs on through the drain).
func (d *runDrain) Drain() tui.DrainState {
	st := tui.DrainState{Left: math.NaN(), Deadline: d.deadline}
	if snap := d.run.Store().Latest(); snap != nil {
		st.Left = snap.Stream.Get(metrics.PendingRecords)
	}
	select {
	case <-d.done:
		st.Done = true
	default:
	}
	return st
}

// AbandonDrain ends the drain now (the dashboard's second q).
func (d *runDrain) AbandonDrain() {
	d.StartDrain()
	d.abandoned.Store(true)
	d.cancel()
}

// wait starts the drain if nothing has, waits for it and returns the summary and Stop's error.
func (d *runDrain) wait() (metrics.Summary, error) {
	d.StartDrain()
	<-d.done
	return d.sum, d.err
}

// dashboardControls are the run's controls and its drain, for the dashboard to find by type
// assertion (tui.Pauser … tui.Drainer).
type dashboardControls struct {
	*app.Run
	*runDrain
}
