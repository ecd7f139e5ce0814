package cli

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/emulator"
)

// streamFlags collects repeated --stream NAME:SHARDS (or NAME:on-demand) values.
type streamFlags []emulator.StreamSpec

func (s *streamFlags) String() string { return fmt.Sprint(*s) }
func (s *streamFlags) Type() string   { return "NAME:SHARDS" }

func (s *streamFlags) Set(v string) error {
	name, shards, ok := strings.Cut(v, ":")
	if !ok || name == "" {
		return fmt.Errorf("want NAME:SHARDS or NAME:on-demand, got %.60q", v)
	}
	if !emulator.ValidStreamName(name) {
		return fmt.Errorf("stream name %.60q: want 1-128 of a-z A-Z 0-9 _ . -", name)
	}
	for _, prev := range *s {
		if prev.Name == name {
			return fmt.Errorf("stream %q named twice", name)
		}
	}
	if shards == "on-demand" {
		*s = append(*s, emulator.StreamSpec{Name: name, OnDemand: true})
		return nil
	}
	n, err := strconv.Atoi(shards)
	if limit := emulator.DefaultLimits().ShardLimit; err != nil || n < 1 || n > limit {
		return fmt.Errorf("want NAME:SHARDS with SHARDS a whole number in 1..%d, got %.60q", limit, v)
	}
	*s = append(*s, emulator.StreamSpec{Name: name, Shards: n})
	return nil
}

// newEmulatorCommand is `shardstorm emulator`: the Kinesis and CloudWatch emulator alone, for
// other tools, until Ctrl-C.
func newEmulatorCommand() *cobra.Command {
	var e emulatorFlags
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "serve the Kinesis + CloudWatch emulator for other tools (AWS_ENDPOINT_URL_KINESIS)",
		Long: "Serves Kinesis (awsJson1_1) and CloudWatch (RPCv2 CBOR) on one port until Ctrl-C.\n" +
			"Point any AWS SDK or tool at it with AWS_ENDPOINT_URL_KINESIS and AWS_ENDPOINT_URL_CLOUDWATCH.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEmulator(e, cmd.OutOrStdout()) },
	}
	bindEmulatorFlags(cmd.Flags(), &e)
	return cmd
}

// bindEmulatorFlags defines the flags of `shardstorm emulator` on fs, writing into e.
func bindEmulatorFlags(fs *pflag.FlagSet, e *emulatorFlags) {
	d := emulator.DefaultConfig()
	fs.StringVar(&e.addr, "addr", "127.0.0.1:4567", "address to serve Kinesis and CloudWatch on")
	fs.BoolVar(&e.allowRemote, "allow-remote", false, "allow an address other than loopback (the emulator has no authentication)")
	fs.StringVar(&e.region, "region", d.Region, "region in ARNs and messages")
	fs.StringVar(&e.account, "account", d.AccountID, "account id in ARNs and messages")
	fs.DurationVar(&e.createDelay, "create-delay", 0, "how long new streams stay CREATING")
	fs.DurationVar(&e.reshard, "reshard-delay", d.ReshardDelay, "how long resharding keeps a stream UPDATING")
	fs.Int64Var(&e.bytesPerSec, "shard-bytes-per-sec", d.Limits.ShardBytesPerSec, "per-shard write limit, bytes/s (partition keys included)")
	fs.Int64Var(&e.recsPerSec, "shard-records-per-sec", d.Limits.ShardRecordsPerSec, "per-shard write limit, records/s")
	fs.Int64Var(&e.maxRequest, "max-request-bytes", d.Limits.MaxRequestBytes, "PutRecords request size limit (5242880 models the limit before Oct 2025)")
	fs.IntVar(&e.retainRecs, "retain-records", d.RetainRecordsPerShard, "records kept per shard for GetRecords")
	fs.Int64Var(&e.retainBytes, "retain-bytes", d.RetainBytesPerShard, "bytes kept per shard for GetRecords")
	fs.Float64Var(&e.failRate, "internal-failure-rate", 0, "fault: probability of InternalFailure per record")
	fs.Float64Var(&e.serverRate, "server-error-rate", 0, "fault: probability of a 500/503 per request")
	fs.StringVar(&e.latency, "latency", "", "fault: added request latency: 20ms, 10ms-50ms or lognormal:20ms:0.5")
	fs.StringVar(&e.answerLatency, "answer-latency", "", "fault: delay after the write took effect, before the answer (a client timeout shorter than it stores without knowing): 20ms, 10ms-50ms or lognormal:20ms:0.5")
	fs.BoolVar(&e.kmsDenied, "kms-denied", false, "fault: writes to KMS-encrypted streams fail with KMSAccessDeniedException")
	fs.BoolVar(&e.blackHole, "black-hole", false, "fault: read every Kinesis request and answer none (clients wait until they give up)")
	fs.Float64Var(&e.resetRate, "reset-rate", 0, "fault: probability per Kinesis request of breaking the connection unanswered (half after it took effect)")
	fs.Float64Var(&e.cpThrottle, "control-plane-throttle-rate", 0, "fault: probability of LimitExceededException per control-plane call")
	fs.Int64Var(&e.seed, "seed", d.Seed, "seed for fault injection")
	fs.DurationVar(&e.logEvery, "log-every", time.Minute, "how often to log the totals")
	fs.Var(&e.streams, "stream", "stream to create at start, NAME:SHARDS or NAME:on-demand (repeatable)")
}

// emulatorFlags are the flags of `shardstorm emulator`: the emulator's own configuration, not
// run knobs (no config file or SHARDSTORM_* layer applies to them).
type emulatorFlags struct {
	streams                             streamFlags
	addr, region, account, latency      string
	answerLatency                       string
	allowRemote, kmsDenied, blackHole   bool
	createDelay, reshard, logEvery      time.Duration
	bytesPerSec, recsPerSec, maxRequest int64
	retainBytes, seed                   int64
	retainRecs                          int
	failRate, serverRate, cpThrottle    float64
	resetRate                           float64
}

func runEmulator(e emulatorFlags, stdout io.Writer) error {
	cfg, err := e.config()
	if err != nil {
		return err
	}
	srv, err := emulator.Listen(e.addr, cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "shardstorm emulator serving Kinesis and CloudWatch on %s\n", srv.URL)
	fmt.Fprintf(stdout, "  export AWS_ENDPOINT_URL_KINESIS=%s AWS_ENDPOINT_URL_CLOUDWATCH=%s\n", srv.URL, srv.URL)
	fmt.Fprintln(stdout, "  (any credentials and region work; Ctrl-C stops)")
	logTotals(ctx, srv.Emulator, stdout, e.logEvery)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// logTotals prints one line per interval with each stream's totals and the change since the
// last line, until ctx ends.
func logTotals(ctx context.Context, e *emulator.Emulator, w io.Writer, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := map[string]emulator.ShardStats{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, name := range e.StreamNames() {
			st, ok := e.StreamStats(name)
			if !ok {
				continue
			}
			prev, tot := last[name], st.Total
			last[name] = tot
			fmt.Fprintf(w, "%s %s [%s, %d shards]: +%d records +%s accepted, +%d throttled, +%d internal failures (total %d records, %s)\n",
				time.Now().Format(time.TimeOnly), name, st.Status, openShards(st), tot.AcceptedRecords-prev.AcceptedRecords,
				humanBytes(tot.AcceptedBytes-prev.AcceptedBytes), tot.ThrottledRecords-prev.ThrottledRecords,
				tot.InternalFailures-prev.InternalFailures, tot.AcceptedRecords, humanBytes(tot.AcceptedBytes))
		}
	}
}

func openShards(st emulator.StreamStats) int {
	n := 0
	for _, sh := range st.Shards {
		if sh.Open {
			n++
		}
	}
	return n
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
