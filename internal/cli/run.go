package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/internal/memlimit"
	"github.com/shardstorm/shardstorm/internal/profiling"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/tui"
	"github.com/shardstorm/shardstorm/workload"
)

// runLong is the help of `shardstorm run`, and of `shardstorm` alone.
const runLong = `the dashboard on the embedded emulator, a 4-shard stream, 6000 records/s of ~500 bytes
with 30% on one hot key. Keys change the load live; ? lists them; q quits and prints the summary.
Exit codes: 0 ok, 1 error (or no record delivered), 2 bad flags, 3 a threshold failed (--max-failed
default 0: any failed record), 130 a second Ctrl-C (or one before the load started).

Settings, each layer overriding the one before: defaults, --scenario, --config FILE, SHARDSTORM_<FLAG>
variables (SHARDSTORM_RATE_LIMIT=120), flags. ` + "`shardstorm config print [flags]`" + ` shows the result.`

// newRunCommand is `shardstorm run` (and the root, `shardstorm` with no command): the dashboard,
// or with --headless progress lines and a summary; thresholds decide the exit code.
func newRunCommand(use string) *cobra.Command {
	var r runLine
	cmd := &cobra.Command{
		Use:   use,
		Short: "the dashboard on the embedded emulator (the default with no command); --headless for CI",
		Long:  "Runs " + runLong,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			args := givenFlags(cmd.Flags())
			opts, err := r.parse(cmd.Flags())
			if err != nil {
				return err
			}
			return startRun(r.settings, opts, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	r.define(cmd)
	return cmd
}

// RunOptions parses args as `shardstorm run` does (flags over SHARDSTORM_* variables over a
// --config file over a --scenario over the defaults) and returns the run's options, for a test
// or a program that starts the run in process (app.Start).
func RunOptions(args []string) (app.Options, error) {
	cmd := &cobra.Command{Use: "run"}
	var r runLine
	r.define(cmd)
	if err := cmd.ParseFlags(normaliseDashes(cmd, args)); err != nil {
		return app.Options{}, usageError{flagError(cmd, err)}
	}
	if err := noArgs(cmd, cmd.Flags().Args()); err != nil {
		return app.Options{}, err
	}
	return r.parse(cmd.Flags())
}

// runLine is the command line of `shardstorm run` (shared by `config print`): the knobs, and
// --config and --scenario, which choose the layers under the flags.
type runLine struct {
	settings             *app.RunSettings
	configFile, scenario string
	layers               *layers
}

func (r *runLine) define(cmd *cobra.Command) {
	r.settings = app.DefaultRunSettings()
	fs := cmd.Flags()
	addKnobFlags(fs, r.settings, app.RunKnobs())
	fs.StringVar(&r.configFile, "config", "", "read settings from a YAML `FILE` of flag names and values (rate: 9000); SHARDSTORM_<FLAG> variables and flags override it")
	fs.StringVar(&r.scenario, "scenario", "", "apply a preset `NAME` first (shardstorm scenarios lists them); the file, environment and flags override it")
	cmd.RegisterFlagCompletionFunc("scenario", func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, s := range scenarios {
			if strings.HasPrefix(s.name, prefix) {
				names = append(names, s.name+"\t"+s.story)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
}

// parse applies the layers under the flags already parsed on fs and checks the settings
// together, returning the run's options. Errors are usage errors.
func (r *runLine) parse(fs *pflag.FlagSet) (app.Options, error) {
	l, err := applyLayers(fs, r.configFile, r.scenario)
	if err != nil {
		return app.Options{}, err
	}
	r.layers = l
	opts, err := options(fs, r.settings)
	if err != nil {
		return opts, usageError{l.whereFrom(err)}
	}
	return opts, nil
}

// givenFlags is the command line as flags given (--name=value), for the report.
func givenFlags(fs *pflag.FlagSet) []string {
	var out []string
	fs.Visit(func(f *pflag.Flag) { out = append(out, "--"+f.Name+"="+f.Value.String()) })
	return out
}

// emulatorFaults checks the --fault-* knobs and returns them for the embedded emulator.
func emulatorFaults(ff app.FaultSettings) (emulator.Faults, error) {
	for _, p := range []struct {
		name string
		v    float64
	}{{"fault-internal-failure-rate", ff.InternalFailureRate}, {"fault-server-error-rate", ff.ServerErrorRate},
		{"fault-control-plane-throttle-rate", ff.ControlPlaneThrottleRate}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			return emulator.Faults{}, fmt.Errorf("--%s %v: want a probability in [0, 1]", p.name, p.v)
		}
	}
	lat, err := emulator.ParseLatency(ff.Latency)
	if err != nil {
		return emulator.Faults{}, fmt.Errorf("--fault-latency: %w", err)
	}
	answerLat, err := emulator.ParseLatency(ff.AnswerLatency)
	if err != nil {
		return emulator.Faults{}, fmt.Errorf("--fault-answer-latency: %w", err)
	}
	return emulator.Faults{InternalFailureRate: ff.InternalFailureRate, ServerErrorRate: ff.ServerErrorRate,
		Latency: lat, AnswerLatency: answerLat, KMSAccessDenied: ff.KMSDenied, ControlPlaneThrottleRate: ff.ControlPlaneThrottleRate}, nil
}

// options checks the settings together and returns the run's options.
func options(fs *pflag.FlagSet, s *app.RunSettings) (app.Options, error) {
	o := s.Options
	if (fs.Changed("region") || fs.Changed("profile")) && o.Endpoint == "" {
		o.AWS = true
	}
	if o.AWS && o.Endpoint != "" {
		return o, fmt.Errorf("--aws and --endpoint: choose one backend")
	}
	faults, err := emulatorFaults(s.Faults)
	if err != nil {
		return o, err
	}
	if faults != (emulator.Faults{}) && o.Backend() != "local" {
		return o, fmt.Errorf("--fault-* flags need the embedded emulator (the backend is %s)", o.Backend())
	}
	if a := o.Emulator.Limits.SizeAccounting; a != "" && a != emulator.SizeRounded && o.Backend() != "local" {
		return o, fmt.Errorf("--size-accounting %s needs the embedded emulator (the backend is %s)", o.Emulator.Limits.SizeAccounting, o.Backend())
	}
	if o.EncryptStream != "" && o.Backend() != "local" {
		return o, fmt.Errorf("--encrypt-stream needs the embedded emulator (the backend is %s)", o.Backend())
	}
	o.Emulator.Faults = faults
	if s.AllowRemoteControl && s.MetricsAddr == "" {
		return o, fmt.Errorf("--allow-remote-control needs --metrics-addr (the control API is served there)")
	}
	if o.Shards < 1 || o.Shards > app.MaxShards {
		return o, fmt.Errorf("--shards %d: want 1..%d", o.Shards, app.MaxShards)
	}
	spec, err := s.Workload.Spec()
	if err != nil {
		return o, err
	}
	if app.IdleWorkload(spec) { // a --workload file's rate: 0 or shape: 0 (the knobs refuse the rest)
		return o, fmt.Errorf("%s: rate 0: %w", s.Workload.File, app.ErrRateZero)
	}
	if err := checkRecordSource(o, spec); err != nil {
		return o, err
	}
	o.Workload = spec
	if err := app.CheckEngine(o.Engine); err != nil {
		return o, err
	}
	o.Producer.StreamName = o.Stream
	if err := o.Producer.Validate(); err != nil {
		return o, asFlagErrors(err)
	}
	return o, nil
}

// asFlagErrors rewrites the producer's field errors (producer.ConfigError) to name the knobs'
// flags. The adaptive floor has no flag: a --rate-limit under it is what the user can change.
func asFlagErrors(err error) error {
	var lines []string
	for _, ce := range producer.ConfigErrors(err) {
		switch k, ok := app.KnobForConfigField(ce.Field); {
		case ok:
			lines = append(lines, "--"+k.Name+": "+ce.Reason)
		case ce.Field == "AdaptiveFloor":
			lines = append(lines, "--rate-limit (below the adaptive floor): "+ce.Reason)
		default:
			lines = append(lines, ce.Error())
		}
	}
	if lines == nil {
		return err
	}
	return errors.New(strings.Join(lines, "\n"))
}

// drainTimeout bounds the drain after the load: a run ends within its duration plus this.
const drainTimeout = 30 * time.Second

// startRun runs with the options checked: the dashboard or headless, then the summary, the
// report and the thresholds.
func startRun(f *app.RunSettings, opts app.Options, args []string, stdout, stderr io.Writer) error {
	// Every output is opened before the load starts: a bad path must not cost the whole run.
	var closeCSV func() error
	if f.CSV != "" {
		file, err := os.Create(f.CSV)
		if err != nil {
			return fmt.Errorf("--csv: %w", err)
		}
		opts.CSV, closeCSV = file, file.Close
	}
	var report *os.File
	if f.Report != "" {
		file, err := os.Create(f.Report)
		if err != nil {
			return fmt.Errorf("--report: %w", err)
		}
		report = file
		defer func() {
			if file.Close() == nil { // not yet written (writeReport closes it): the run never ended
				os.Remove(f.Report)
			}
		}()
	}
	if f.CPUProfile != "" {
		stop, err := profiling.StartCPU(f.CPUProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer stop()
	}
	var metricsLn net.Listener
	if f.MetricsAddr != "" {
		ln, err := net.Listen("tcp", f.MetricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		metricsLn = ln
		defer ln.Close()
	}

	// Where the dashboard draws, decided before the load: with no terminal the run is headless
	// and says so once.
	var tty *os.File
	if !f.Headless {
		var why error
		if tty, why = dashboardTerminal(stdout, os.Getenv, openControllingTerminal); why != nil {
			fmt.Fprintln(stderr, "shardstorm: "+why.Error())
			f.Headless = true
		}
		if tty != nil {
			defer tty.Close()
		}
	}

	var uiUp atomic.Bool
	sig := watchSignals(stderr, uiUp.Load)
	defer sig.stop()
	ctx := sig.ctx

	if limit, ok := app.MemoryLimit(opts); ok {
		memlimit.Apply(limit) // process-wide: the command's to set, not the producer library's
	}
	opts.Status = stderr // "waiting for ListShards at URL…" while a start-up call keeps the run waiting
	run, err := app.Start(ctx, opts)
	if err != nil && sig.signalled.Load() {
		return interruptedError{}
	}
	if err != nil {
		if fe := new(workload.FieldError); errors.As(err, &fe) {
			return usageError{workloadFlagError(fe)} // keys that need the stream's shards, known only now
		}
		return err
	}
	for _, w := range run.Warnings() {
		fmt.Fprintln(stderr, "warning: "+w)
	}
	// Headless, the control API's changes are printed among the progress lines, from its own
	// goroutine: one lock keeps the lines whole.
	progressOut := &syncWriter{w: stderr}
	lines := newProgressLines(run, progressOut, f.ProgressEvery)
	if metricsLn != nil {
		var notify func(string)
		if f.Headless {
			notify = func(line string) { fmt.Fprintln(progressOut, "        "+line) }
		}
		defer serveMetrics(metricsLn, run, f.AllowRemoteControl, progressOut, notify)()
	}
	config := map[string]any{"backend": opts.Backend(), "stream": opts.Stream, "args": redactArgs(args)}
	drain := newRunDrain(run, config, drainTimeout, func() { sig.draining.Store(true) })
	var uiErr error
	if f.Headless {
		lines.until(ctx, run.Done())
	} else {
		// q starts the drain and the dashboard shows it until it is done (tui.Drainer).
		uiUp.Store(true)
		uiErr = tui.Run(ctx, run, dashboardControls{run, drain}, tui.Options{Terminal: tty})
		uiUp.Store(false)
		if sig.signalled.Load() {
			fmt.Fprintln(stderr, drainMessage)
		}
	}
	drain.StartDrain()
	// Headless, the progress lines go on through the drain: a drain that takes its 30 s is
	// something to watch, not a silence.
	drainShown := make(chan struct{})
	if f.Headless {
		go func() {
			defer close(drainShown)
			lines.until(context.Background(), drain.done)
		}()
	} else {
		close(drainShown)
	}
	sum, stopErr := drain.wait()
	<-drainShown
	if drain.abandoned.Load() && errors.Is(stopErr, context.Canceled) {
		// The user's second q: what was pending is counted as it stood, which the summary says.
		fmt.Fprintln(stderr, "drain abandoned (q again): records still pending were counted as they stood")
		stopErr = nil
	}
	if truth, ok := run.GroundTruth(); ok {
		// What the embedded service itself counted, beside the producer's own figures.
		config["emulator"] = map[string]int64{
			"accepted_records":      truth.Total.AcceptedRecords,
			"accepted_bytes":        truth.Total.AcceptedBytes,
			"accepted_user_records": truth.Total.AcceptedUserRecords, // deaggregated, duplicates included
			"throttled_records":     truth.Total.ThrottledRecords,
			"internal_failures":     truth.Total.InternalFailures,
		}
	}
	if t, ok := run.PublishTotals(); ok {
		// What --publish-metrics uploaded: in the report, and on stderr beside the progress.
		config["publish_metrics"] = map[string]any{"where": run.PublishDescription(),
			"calls": t.Calls, "datums": t.Published, "dropped": t.Dropped, "pending": t.Pending}
		fmt.Fprintf(stderr, "published metrics (%s): %d PutMetricData calls, %d datums, %d dropped, %d not delivered\n",
			run.PublishDescription(), t.Calls, t.Published, t.Dropped, t.Pending)
	}
	if closeCSV != nil {
		stopErr = errors.Join(stopErr, closeCSV())
	}
	var verifyErr error
	if opts.Verify {
		// The read-back, after the drain, also after a Ctrl-C stopped the load (whose ctx is
		// done): a signal now exits at once, as during the drain.
		sum.Verify, verifyErr = run.Verify(context.Background())
		verifyErr = errors.Join(verifyErr, app.VerifyVerdict(sum.Verify))
	}
	if err := app.WriteSummary(stdout, sum); err != nil {
		return err
	}
	if report != nil {
		if err := writeReport(report, sum); err != nil {
			return err
		}
	}
	if errors.Is(stopErr, context.DeadlineExceeded) {
		stopErr = fmt.Errorf("the producer did not drain within %s (records still unresolved were counted as they stood): %w", drainTimeout, stopErr)
	}
	if err := errors.Join(nothingDelivered(sum), uiErr, stopErr, verifyErr); err != nil {
		return err
	}
	if failed := checkThresholds(f, sum); len(failed) > 0 {
		return thresholdError{failed}
	}
	return nil
}

// redactArgs hides secrets in the command line before it is written to a report: URL passwords
// and anything that looks like an access key id (see redact). An argument --NAME=VALUE is
// redacted as the value of flag NAME, so a secret-looking flag hides its whole value.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if name, value, ok := strings.Cut(strings.TrimLeft(a, "-"), "="); ok && strings.HasPrefix(a, "-") {
			out[i] = a[:len(a)-len(value)] + redact(name, value)
			continue
		}
		out[i] = redact("", a)
	}
	return out
}
