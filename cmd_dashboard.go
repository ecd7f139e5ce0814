package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/tui"
)

// runDashboard is `shardstorm` with no arguments (and `shardstorm run`): the dashboard on the
// embedded emulator with a 4-shard stream and a workload that shows a hotspot within seconds.
// Quitting restores the terminal and prints the run's summary to stdout.
func runDashboard(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	metricsAddr := fs.String("metrics-addr", "", "serve live values for Prometheus at http://ADDR/metrics, e.g. 127.0.0.1:9464")
	reportPath := fs.String("report", "", "write the run's JSON summary to this file at the end")
	csvPath := fs.String("csv", "", "write every sample of the run to this file (long CSV: time,stream,shard,series,value)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: shardstorm [run] [flags]\n\nOpens the dashboard on the embedded emulator: a 4-shard stream, 6000 records/s of ~500 bytes,")
		fmt.Fprintln(stderr, "30% of them on one hot key. Keys change the load live; ? lists them; q quits and prints the summary.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	// Ctrl-C is a key to the dashboard (it quits cleanly); SIGTERM and SIGHUP end it too.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	opts := app.Options{}
	if *csvPath != "" {
		f, err := os.Create(*csvPath)
		if err != nil {
			return fmt.Errorf("--csv: %w", err)
		}
		defer f.Close()
		opts.CSV = f
	}
	run, err := app.Start(ctx, opts)
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		stopMetrics, err := serveMetrics(*metricsAddr, run.Store())
		if err != nil {
			run.Stop(context.Background(), nil)
			return err
		}
		defer stopMetrics()
	}
	uiErr := tui.Run(ctx, run, run, tui.Options{})
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, stopErr := run.Stop(stopCtx, map[string]any{"backend": opts.Backend(), "stream": "shardstorm-demo", "workload": "default"})
	if err := app.WriteSummary(stdout, sum); err != nil {
		return err
	}
	if *reportPath != "" {
		if err := writeReport(*reportPath, sum); err != nil {
			return err
		}
	}
	if uiErr != nil {
		return fmt.Errorf("dashboard: %w", uiErr)
	}
	if stopErr != nil {
		return fmt.Errorf("stopping the run: %w", stopErr)
	}
	return nil
}

// serveMetrics serves the live values at http://addr/metrics until the returned stop is called.
func serveMetrics(addr string, store *metrics.Store) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.NewPrometheusHandler(store))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}

// writeReport writes the run's JSON summary (schema: metrics/summary.schema.json).
func writeReport(path string, sum metrics.Summary) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	if err := sum.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("--report: %w", err)
	}
	return f.Close()
}
