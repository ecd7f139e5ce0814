package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// drainMessage is what the first signal prints: the run stops, the producer drains, the summary
// follows.
const drainMessage = "stopping: draining the producer (Ctrl-C again to exit at once)"

// runSignals turns SIGINT, SIGTERM and SIGHUP into a graceful stop of a run, the same for the
// dashboard and headless: the first cancels ctx (the load stops, the producer drains, the
// summary is printed, exit 0), a second exits at once (130). A signal once the drain has begun
// (the duration ended, or the dashboard's drain after q) counts as the second; while the
// dashboard is still up showing its drain, the first closes it and the drain goes on. The
// dashboard's Ctrl-C key and a SIGINT sent to its process (kill -INT, or Ctrl-C where the
// terminal is not raw) end the same way.
type runSignals struct {
	ctx       context.Context
	signalled atomic.Bool // the run was stopped by a signal
	draining  atomic.Bool
	stop      func()
}

// watchSignals starts watching; quiet holds the drain message back (the dashboard owns the
// screen: startRun prints it once the dashboard has gone). stop ends the watch.
func watchSignals(stderr io.Writer, quiet func() bool) *runSignals {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s := &runSignals{ctx: ctx}
	s.stop = func() { signal.Stop(sigs); cancel(); close(done) }
	go func() {
		for {
			select {
			case <-sigs:
			case <-done:
				return
			}
			// While the dashboard shows the drain (after its q) the first signal closes the
			// dashboard (restoring the terminal) and the drain goes on as after a headless
			// run's; exiting at once would leave the terminal in the dashboard's raw mode.
			if s.signalled.Load() || (s.draining.Load() && !quiet()) {
				os.Exit(exitForced)
			}
			s.signalled.Store(true)
			if !quiet() {
				fmt.Fprintln(stderr, drainMessage)
			}
			cancel()
		}
	}()
	return s
}

// interruptedError is a run stopped by a signal before its load started (exit 130): nothing
// was sent, so there is no summary, and the cause is the user, not "context canceled".
type interruptedError struct{}

func (interruptedError) Error() string {
	return "interrupted while starting, before the load: nothing was sent"
}
