package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/tui"
)

// watchFlags are the flags of watch alone (the stream and the backend are run knobs).
type watchFlags struct {
	headless           bool
	duration           time.Duration
	report             string
	progressEvery      time.Duration
	enableShardMetrics bool
	failOn             string
	kplNamespace       string
	agentsNamespace    string
	sampleShards       int
	sampleKiB          int64
}

// newWatchCommand is `shardstorm watch`: the dashboard for a stream others load, from
// ListShards, DescribeStreamSummary and CloudWatch only. It sends nothing to the stream.
func newWatchCommand() *cobra.Command {
	s := app.DefaultRunSettings()
	s.Options.Stream = "" // no default: --stream is required
	var wf watchFlags
	cmd := &cobra.Command{
		Use:   "watch --stream NAME (--endpoint URL | --aws | --region R | --profile P)",
		Short: "the dashboard for a stream loaded by others, from CloudWatch (--endpoint or AWS); sends no load",
		Long: `The dashboard for a stream loaded by something else — a KPL application, a service calling
PutRecords, a fleet of devices calling PutRecord, shardstorm agents elsewhere: no load is sent. It
says why that producer writes slower than expected from what can be seen from outside, each finding
naming the source it rests on and at what resolution, and lists what cannot be seen.

Sources, each optional, each with its cost (the Findings view and the report list them):
  CloudWatch stream metrics   IncomingRecords/Bytes, WriteProvisionedThroughputExceeded, PutRecord.*,
                              PutRecords.*: 1-minute sums on AWS (~4 min late), 1 s from an endpoint
  CloudWatch shard metrics    only with enhanced monitoring on: --enable-shard-metrics, or e in the
                              dashboard, which asks first (billed per shard; it stays on)
  KPL metrics                 a KPL application's own metrics (--kpl-namespace, off to skip)
  shardstorm agents           run --publish-metrics agents, one table (--agents-namespace)
  record sample               GetRecords from LATEST, deaggregated: key shares, sizes, aggregation,
                              1-second peaks; ≤ 1 call/s per shard, hot shards first, a byte budget,
                              backs off on throttles (--sample-shards, --sample-kib; 0 shards: none)
Needs --endpoint or AWS: there is no load to watch on a fresh embedded emulator. Permissions:
kinesis:ListShards, kinesis:DescribeStreamSummary, cloudwatch:GetMetricData, cloudwatch:ListMetrics,
kinesis:GetShardIterator and kinesis:GetRecords for the sample. s asks before UpdateShardCount. q quits.

With --headless it prints progress and findings lines instead, and with --report FILE writes a JSON
report at the end (schema: metrics/watch_report.schema.json): for CI jobs that check a staging stream
after a deploy (--fail-on warning exits 3 when such a finding was raised).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := s.Options
			return runWatch(cmd.Flags(), app.WatchOptions{Stream: o.Stream, Endpoint: o.Endpoint, AWS: o.AWS, Region: o.Region, Profile: o.Profile,
				KPLNamespace: wf.kplNamespace, AgentsNamespace: wf.agentsNamespace, SampleShards: wf.sampleShards, SampleBytesPerSec: wf.sampleKiB << 10}, wf, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	addKnobFlags(cmd.Flags(), s, app.WatchKnobs())
	fs := cmd.Flags()
	fs.BoolVar(&wf.headless, "headless", false, "no dashboard: progress and findings lines on stderr (for CI)")
	fs.DurationVar(&wf.duration, "duration", 0, "headless: watch this long, then write the report and exit (default: until Ctrl-C or SIGTERM)")
	fs.StringVar(&wf.report, "report", "", "headless: write the watch's JSON report to `FILE` at the end (schema: metrics/watch_report.schema.json)")
	fs.DurationVar(&wf.progressEvery, "progress-every", 5*time.Second, "headless: how often to print a progress line")
	fs.BoolVar(&wf.enableShardMetrics, "enable-shard-metrics", false,
		"turn on enhanced monitoring (IncomingBytes, IncomingRecords, WriteProvisionedThroughputExceeded per shard): costs ≈ USD 0.90 per shard-month and stays on after the watch")
	fs.StringVar(&wf.kplNamespace, "kpl-namespace", cloudwatch.DefaultPublisherNamespace,
		"the CloudWatch `NAMESPACE` a KPL application publishes its metrics to (its metrics_namespace); off reads none. ListMetrics is free; each read costs one GetMetricData query per series found")
	fs.StringVar(&wf.agentsNamespace, "agents-namespace", cloudwatch.DefaultPublisherNamespace,
		"the CloudWatch `NAMESPACE` shardstorm agents publish to (run --publish-metrics --publish-namespace); off reads none")
	fs.IntVar(&wf.sampleShards, "sample-shards", 8,
		"read a paced sample of the stream's newest records from at most `N` shards at once (busiest first; ≤ 1 GetRecords/s per shard, a fifth of a shard's 5 calls/s shared with its consumers; needs kinesis:GetRecords); 0: no sample")
	fs.Int64Var(&wf.sampleKiB, "sample-kib", 2048, "the record sample's byte budget in `KiB`/s over all the shards it reads")
	fs.StringVar(&wf.failOn, "fail-on", "", "headless: exit 3 when a finding of this `SEVERITY` or worse was raised: warning or critical")
	return cmd
}

// check refuses bad values and flags that need --headless, naming the flag.
func (wf watchFlags) check(fs *pflag.FlagSet) error {
	if !wf.headless {
		for _, name := range []string{"duration", "report", "progress-every", "fail-on"} {
			if fs.Changed(name) {
				return fmt.Errorf("--%s needs --headless (the dashboard runs until q)", name)
			}
		}
	}
	switch {
	case fs.Changed("duration") && wf.duration <= 0:
		return fmt.Errorf("invalid value %q for flag --duration: must be positive", wf.duration)
	case wf.progressEvery <= 0:
		return fmt.Errorf("invalid value %q for flag --progress-every: must be positive", wf.progressEvery)
	case wf.sampleShards < 0:
		return fmt.Errorf("invalid value %d for flag --sample-shards: must be 0 (no sample) or more", wf.sampleShards)
	case wf.sampleKiB <= 0:
		return fmt.Errorf("invalid value %d for flag --sample-kib: must be positive", wf.sampleKiB)
	case wf.kplNamespace == "" || wf.agentsNamespace == "":
		return errors.New("--kpl-namespace and --agents-namespace need a namespace, or off")
	case wf.failOn != "" && wf.failOn != "warning" && wf.failOn != "critical":
		return fmt.Errorf("invalid value %q for flag --fail-on: want warning or critical", wf.failOn)
	}
	if err := app.CheckOutputPath(wf.report); err != nil {
		return fmt.Errorf("invalid value %q for flag --report: %w", wf.report, err)
	}
	return nil
}

func runWatch(fs *pflag.FlagSet, o app.WatchOptions, wf watchFlags, stdout, stderr io.Writer) error {
	if (fs.Changed("region") || fs.Changed("profile")) && o.Endpoint == "" {
		o.AWS = true
	}
	switch {
	case o.Stream == "":
		return usageError{errors.New("--stream NAME is required")}
	case o.AWS && o.Endpoint != "":
		return usageError{errors.New("--aws and --endpoint: choose one backend")}
	case !o.AWS && o.Endpoint == "":
		return usageError{errors.New("needs --endpoint URL or AWS (--aws, --region, --profile): there is no load to watch on a fresh embedded emulator")}
	}
	if err := wf.check(fs); err != nil {
		return usageError{err}
	}

	// As `run`: the dashboard on the controlling terminal when stdout is not one, headless
	// (saying so) with no terminal at all or TERM=dumb.
	var tty *os.File
	if !wf.headless {
		var why error
		if tty, why = dashboardTerminal(stdout, os.Getenv, openControllingTerminal); why != nil {
			fmt.Fprintln(stderr, "shardstorm: "+why.Error())
			wf.headless = true
		}
		if tty != nil {
			defer tty.Close()
		}
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP) // the dashboard leaves signals to us (tui.Run)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()

	w, err := app.StartWatch(ctx, o)
	if err != nil {
		return err
	}
	if wf.enableShardMetrics {
		// The user consented on the command line; say what was turned on and what it costs.
		msg, err := w.EnableShardMetrics(ctx)
		if err != nil {
			w.Stop()
			return err
		}
		fmt.Fprintln(stderr, msg)
	}
	if wf.headless {
		return watchHeadless(ctx, w, wf, stderr)
	}
	err = tui.Run(ctx, w, w, tui.Options{Terminal: tty})
	w.Stop()
	if msg := w.StillOn(); msg != "" {
		fmt.Fprintln(stderr, msg)
	}
	return err
}
