package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/tui"
)

// runDashboard is `shardstorm` with no arguments (and `shardstorm run`): the dashboard on the
// embedded emulator with a 4-shard stream and a workload that shows a hotspot within seconds.
// Quitting restores the terminal and prints the run's summary to stdout.
func runDashboard(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: shardstorm [run]\n\nOpens the dashboard on the embedded emulator: a 4-shard stream, 6000 records/s of ~500 bytes,")
		fmt.Fprintln(stderr, "30% of them on one hot key. Keys change the load live; ? lists them; q quits and prints the summary.")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err}
	}
	// Ctrl-C is a key to the dashboard (it quits cleanly); SIGTERM and SIGHUP end it too.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	opts := app.Options{}
	run, err := app.Start(ctx, opts)
	if err != nil {
		return err
	}
	uiErr := tui.Run(ctx, run, run, tui.Options{})
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, stopErr := run.Stop(stopCtx, map[string]any{"backend": opts.Backend(), "stream": "shardstorm-demo", "workload": "default"})
	if err := app.WriteSummary(stdout, sum); err != nil {
		return err
	}
	if uiErr != nil {
		return fmt.Errorf("dashboard: %w", uiErr)
	}
	if stopErr != nil {
		return fmt.Errorf("stopping the run: %w", stopErr)
	}
	return nil
}
