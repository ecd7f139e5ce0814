package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/tui"
	"github.com/shardstorm/shardstorm/workload"
)

// Exit codes of `shardstorm run` (documented in the README).
const (
	exitOK        = 0
	exitError     = 1 // the run could not start or failed
	exitUsage     = 2 // a bad flag or value
	exitThreshold = 3 // the run finished but a --max-*/--min-* threshold failed
	exitForced    = 130
)

// thresholdError is a run that finished but missed a threshold.
type thresholdError struct{ failed []string }

func (e thresholdError) Error() string { return "thresholds failed: " + strings.Join(e.failed, "; ") }

// runFlags are the flags of `shardstorm run`.
type runFlags struct {
	headless      bool
	progressEvery time.Duration
	metricsAddr   string
	report, csv   string
	maxThrottled  percentFlag
	minPutRate    float64
	maxP99        time.Duration

	opts     app.Options
	workload *workload.Flags
	prod     producer.Config
	agg, ada bool
	faults   faultFlags
}

// faultFlags are the embedded emulator's injected faults (--fault-*).
type faultFlags struct {
	internalFailureRate, serverErrorRate, controlPlaneThrottleRate float64
	latency                                                        string
	kmsDenied                                                      bool
}

// percentFlag reads "1%" or "1" as one percent.
type percentFlag struct {
	set      bool
	fraction float64
}

func (p *percentFlag) String() string {
	if !p.set {
		return ""
	}
	return strconv.FormatFloat(100*p.fraction, 'g', -1, 64) + "%"
}

func (p *percentFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 100 {
		return fmt.Errorf("want a percentage in [0, 100], e.g. 1%%")
	}
	p.set, p.fraction = true, v/100
	return nil
}

func registerRunFlags(fs *flag.FlagSet) *runFlags {
	f := &runFlags{}
	d := producer.DefaultConfig("")
	fs.BoolVar(&f.headless, "headless", false, "no dashboard: progress lines on stderr, then the summary (for CI and load agents)")
	fs.DurationVar(&f.progressEvery, "progress-every", 5*time.Second, "headless: how often to print a progress line")
	fs.StringVar(&f.metricsAddr, "metrics-addr", "", "serve live values for Prometheus at http://`ADDR`/metrics, e.g. 127.0.0.1:9464")
	fs.StringVar(&f.report, "report", "", "write the run's JSON summary to `FILE` at the end (schema: metrics/summary.schema.json)")
	fs.StringVar(&f.csv, "csv", "", "write every sample of the run to `FILE` (long CSV: time,stream,shard,series,value)")
	fs.Var(&f.maxThrottled, "max-throttled", "threshold: fail (exit 3) if more than this `PERCENT` of Kinesis records were throttled")
	fs.Float64Var(&f.minPutRate, "min-put-rate", 0, "threshold: fail (exit 3) if fewer user `RECORDS/S` were put on average")
	fs.DurationVar(&f.maxP99, "max-p99", 0, "threshold: fail (exit 3) if the end-to-end p99 latency exceeds this")

	o := &f.opts
	fs.StringVar(&o.Stream, "stream", "shardstorm-demo", "stream `NAME`")
	fs.IntVar(&o.Shards, "shards", 4, "shards of the embedded emulator's stream (and of a stream --create-stream makes)")
	fs.StringVar(&o.Endpoint, "endpoint", "", "a Kinesis-compatible endpoint `URL` (kinesis-mock, LocalStack) instead of the embedded emulator")
	fs.BoolVar(&o.AWS, "aws", false, "use real AWS through the standard configuration chain (environment, shared files, profiles, SSO)")
	fs.StringVar(&o.Region, "region", "", "AWS region (implies --aws unless --endpoint)")
	fs.StringVar(&o.Profile, "profile", "", "AWS shared-config profile (implies --aws unless --endpoint)")
	fs.BoolVar(&o.CreateStream, "create-stream", false, "create the stream if it does not exist (against --endpoint or AWS)")
	fs.BoolVar(&o.NoCloudWatch, "no-cloudwatch", false, "do not poll the stream's CloudWatch metrics")
	fs.StringVar(&o.EncryptStream, "encrypt-stream", "", "embedded emulator: KMS-encrypt the stream with this key `ID` before the load")
	fs.Float64Var(&o.DescribeStreamPerSec, "describe-poll-rate", 0, "run a DescribeStream poller beside the load at `CALLS/S` (the account allows 10/s)")
	fs.DurationVar(&o.ReshardAfter, "reshard-after", 0, "UpdateShardCount to twice the shards once the load has run this long (explicit: it reshards the stream)")

	fs.Float64Var(&f.prod.RateLimit, "rate-limit", d.RateLimit, "producer RateLimit, `PERCENT` of each shard's limits")
	fs.BoolVar(&f.agg, "aggregation", true, "KPL aggregation of user records into Kinesis records")
	fs.BoolVar(&f.ada, "adaptive", true, "adaptive per-shard rate limiting")
	fs.IntVar(&f.prod.MaxConnections, "max-connections", d.MaxConnections, "PutRecords requests in flight")
	fs.DurationVar(&f.prod.RecordTtl, "record-ttl", d.RecordTtl, "how long a record is retried before it expires")
	fs.DurationVar(&f.prod.RecordMaxBufferedTime, "record-max-buffered-time", d.RecordMaxBufferedTime, "how long a record may wait to be batched")
	fs.DurationVar(&f.prod.RequestTimeout, "request-timeout", d.RequestTimeout, "timeout of one PutRecords request")
	fs.BoolVar(&f.prod.FailIfThrottled, "fail-if-throttled", false, "fail throttled records instead of retrying them")
	fs.IntVar(&f.prod.MaxBufferedRecords, "max-buffered-records", d.MaxBufferedRecords, "records the producer may hold before Put waits")
	fs.IntVar(&f.prod.AggregationMaxSize, "aggregation-max-size", d.AggregationMaxSize, "bytes of one aggregated record")
	fs.IntVar(&f.prod.CollectionMaxCount, "collection-max-count", d.CollectionMaxCount, "Kinesis records per PutRecords request")
	fs.Float64Var(&f.faults.internalFailureRate, "fault-internal-failure-rate", 0, "embedded emulator fault: probability of InternalFailure per record")
	fs.Float64Var(&f.faults.serverErrorRate, "fault-server-error-rate", 0, "embedded emulator fault: probability of a 500/503 per request")
	fs.StringVar(&f.faults.latency, "fault-latency", "", "embedded emulator fault: added request latency: 20ms, 10ms-50ms or lognormal:20ms:0.5")
	fs.BoolVar(&f.faults.kmsDenied, "fault-kms-denied", false, "embedded emulator fault: writes to KMS-encrypted streams fail with KMSAccessDeniedException")
	fs.Float64Var(&f.faults.controlPlaneThrottleRate, "fault-control-plane-throttle-rate", 0, "embedded emulator fault: probability of LimitExceededException per control-plane call")
	f.workload = workload.RegisterFlagsFrom(fs, app.DefaultWorkload())
	return f
}

// emulatorFaults checks the --fault-* flags and returns them for the embedded emulator.
func (f *runFlags) emulatorFaults(fs *flag.FlagSet) (emulator.Faults, error) {
	ff := f.faults
	for _, p := range []struct {
		name string
		v    float64
	}{{"fault-internal-failure-rate", ff.internalFailureRate}, {"fault-server-error-rate", ff.serverErrorRate},
		{"fault-control-plane-throttle-rate", ff.controlPlaneThrottleRate}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			return emulator.Faults{}, fmt.Errorf("--%s %v: want a probability in [0, 1]", p.name, p.v)
		}
	}
	lat, err := emulator.ParseLatency(ff.latency)
	if err != nil {
		return emulator.Faults{}, fmt.Errorf("--fault-latency: %w", err)
	}
	faults := emulator.Faults{InternalFailureRate: ff.internalFailureRate, ServerErrorRate: ff.serverErrorRate,
		Latency: lat, KMSAccessDenied: ff.kmsDenied, ControlPlaneThrottleRate: ff.controlPlaneThrottleRate}
	return faults, nil
}

// options validates the flags together and returns the run's options.
func (f *runFlags) options(fs *flag.FlagSet) (app.Options, error) {
	o := f.opts
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if (set["region"] || set["profile"]) && o.Endpoint == "" {
		o.AWS = true
	}
	if o.AWS && o.Endpoint != "" {
		return o, fmt.Errorf("--aws and --endpoint: choose one backend")
	}
	faults, err := f.emulatorFaults(fs)
	if err != nil {
		return o, err
	}
	if faults != (emulator.Faults{}) && o.Backend() != "local" {
		return o, fmt.Errorf("--fault-* flags need the embedded emulator (the backend is %s)", o.Backend())
	}
	if o.EncryptStream != "" && o.Backend() != "local" {
		return o, fmt.Errorf("--encrypt-stream needs the embedded emulator (the backend is %s)", o.Backend())
	}
	if o.DescribeStreamPerSec < 0 || o.DescribeStreamPerSec > 1000 {
		return o, fmt.Errorf("--describe-poll-rate %g: want 0..1000 calls/s", o.DescribeStreamPerSec)
	}
	if o.ReshardAfter < 0 {
		return o, fmt.Errorf("--reshard-after %v: want a positive duration", o.ReshardAfter)
	}
	o.Emulator.Faults = faults
	if o.Shards < 1 {
		return o, fmt.Errorf("--shards %d: want at least 1", o.Shards)
	}
	spec, err := f.workload.Spec()
	if err != nil {
		return o, err
	}
	o.Workload = spec
	p := f.prod
	p.StreamName = o.Stream
	p.DisableAggregation, p.DisableAdaptive = !f.agg, !f.ada
	if err := p.Validate(); err != nil {
		return o, asFlagErrors(err)
	}
	o.Producer = p
	if f.progressEvery <= 0 {
		return o, fmt.Errorf("--progress-every %v: want a positive duration", f.progressEvery)
	}
	if f.minPutRate < 0 || f.maxP99 < 0 {
		return o, fmt.Errorf("--min-put-rate and --max-p99 must not be negative")
	}
	return o, nil
}

// configFieldFlags names the flag that sets each producer Config field, so a validation error
// names what the user typed.
var configFieldFlags = map[string]string{
	"RateLimit": "--rate-limit", "MaxConnections": "--max-connections", "RecordTtl": "--record-ttl",
	"RecordMaxBufferedTime": "--record-max-buffered-time", "RequestTimeout": "--request-timeout",
	"MaxBufferedRecords": "--max-buffered-records", "AggregationMaxSize": "--aggregation-max-size",
	"CollectionMaxCount": "--collection-max-count", "AdaptiveFloor": "--rate-limit (below the adaptive floor)",
}

// asFlagErrors rewrites the producer's field errors to name flags.
func asFlagErrors(err error) error {
	var lines []string
	for _, ce := range producer.ConfigErrors(err) {
		if flag, ok := configFieldFlags[ce.Field]; ok {
			lines = append(lines, flag+": "+ce.Reason)
		} else {
			lines = append(lines, ce.Error())
		}
	}
	if lines == nil {
		return err
	}
	return errors.New(strings.Join(lines, "\n"))
}

// runCommand is `shardstorm run` (and `shardstorm` with no command): the dashboard, or with
// --headless progress lines and a summary; thresholds decide the exit code.
func runCommand(args []string, stdout, stderr io.Writer) error {
	p, err := parseRun(args, stderr, "run")
	if err != nil {
		return err
	}
	f, fs := p.flags, p.fs
	opts, err := f.options(fs)
	if err != nil {
		return usageError{err}
	}
	return startRun(f, opts, args, stdout, stderr)
}

// parsedRun is a parsed `shardstorm run` command line with the scenario, config file and
// environment applied.
type parsedRun struct {
	flags  *runFlags
	fs     *flag.FlagSet
	layers *layers
}

// parseRun parses run's flags (for `run` and `config print`, named by cmd in usage) and applies
// the layers under them: --scenario, --config FILE and SHARDSTORM_* variables.
func parseRun(args []string, stderr io.Writer, cmd string) (parsedRun, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := registerRunFlags(fs)
	configFile := fs.String("config", "", "read settings from a YAML `FILE` of flag names and values (rate: 9000); SHARDSTORM_<FLAG> variables and flags override it")
	scenarioName := fs.String("scenario", "", "apply a preset `NAME` first (shardstorm scenarios lists them); the file, environment and flags override it")
	fs.Usage = func() {
		if cmd != "run" {
			fmt.Fprintf(stderr, "Usage: shardstorm %s [run flags]\n\nPrints the effective settings of `shardstorm run` with the same flags, as YAML for --config.\n", cmd)
		}
		fmt.Fprintln(stderr, "Usage: shardstorm [run] [flags]\n\nWith no flags: the dashboard on the embedded emulator, a 4-shard stream, 6000 records/s of ~500 bytes")
		fmt.Fprintln(stderr, "with 30% on one hot key. Keys change the load live; ? lists them; q quits and prints the summary.")
		fmt.Fprintln(stderr, "Exit codes: 0 ok, 1 error, 2 bad flags, 3 a threshold failed, 130 a second Ctrl-C.\n\nFlags:")
		fmt.Fprintln(stderr, "Settings, each layer overriding the one before: defaults, --scenario, --config FILE, SHARDSTORM_<FLAG>")
		fmt.Fprintln(stderr, "variables (SHARDSTORM_RATE_LIMIT=120), flags. `shardstorm config print [flags]` shows the result.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return parsedRun{}, err
	}
	l, err := applyLayers(fs, *configFile, *scenarioName)
	if err != nil {
		return parsedRun{}, err
	}
	return parsedRun{flags: f, fs: fs, layers: l}, nil
}

// startRun runs with the options checked: the dashboard or headless, then the summary, the
// report and the thresholds.
func startRun(f *runFlags, opts app.Options, args []string, stdout, stderr io.Writer) error {
	var closeCSV func() error
	if f.csv != "" {
		file, err := os.Create(f.csv)
		if err != nil {
			return fmt.Errorf("--csv: %w", err)
		}
		opts.CSV, closeCSV = file, file.Close
	}

	// SIGTERM and SIGHUP end the run gracefully; so does Ctrl-C when headless (the dashboard reads
	// Ctrl-C as a key). A second signal exits at once.
	sigs := make(chan os.Signal, 2)
	if f.headless {
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	} else {
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	}
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-sigs
		fmt.Fprintln(stderr, "stopping: draining the producer (Ctrl-C again to exit at once)")
		cancel()
		<-sigs
		os.Exit(exitForced)
	}()

	run, err := app.Start(ctx, opts)
	if err != nil {
		return err
	}
	if f.metricsAddr != "" {
		stopMetrics, err := serveMetrics(f.metricsAddr, run.Store())
		if err != nil {
			run.Stop(context.Background(), nil)
			return err
		}
		defer stopMetrics()
	}
	var uiErr error
	if f.headless {
		progress(ctx, run, stderr, f.progressEvery)
	} else {
		uiErr = tui.Run(ctx, run, run, tui.Options{})
	}
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer stopCancel()
	config := map[string]any{"backend": opts.Backend(), "stream": opts.Stream, "args": redactArgs(args)}
	sum, stopErr := run.Stop(stopCtx, config)
	if truth, ok := run.GroundTruth(); ok {
		// What the embedded service itself counted, beside the producer's own figures.
		config["emulator"] = map[string]int64{"accepted_records": truth.Total.AcceptedRecords, "accepted_bytes": truth.Total.AcceptedBytes,
			"throttled_records": truth.Total.ThrottledRecords, "internal_failures": truth.Total.InternalFailures}
	}
	if closeCSV != nil {
		stopErr = errors.Join(stopErr, closeCSV())
	}
	if err := app.WriteSummary(stdout, sum); err != nil {
		return err
	}
	if f.report != "" {
		if err := writeReport(f.report, sum); err != nil {
			return err
		}
	}
	if err := errors.Join(uiErr, stopErr); err != nil {
		return err
	}
	if failed := checkThresholds(f, sum); len(failed) > 0 {
		return thresholdError{failed}
	}
	return nil
}

// redactArgs hides secrets in the command line before it is written to a report: URL passwords
// and anything that looks like an access key id (see redact).
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = redact("", a)
	}
	return out
}
