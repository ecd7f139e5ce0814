package cli

import (
	"context"
	"fmt"
	"io"
	"net"
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
	// The count is checked against the shard quota once every flag is parsed (emulatorFlags.config):
	// --shard-quota may come after --stream.
	n, err := strconv.Atoi(shards)
	if err != nil || n < 1 || n > emulator.MaxShardQuota {
		return fmt.Errorf("want NAME:SHARDS with SHARDS a whole number in 1..the shard quota (--shard-quota), got %.60q", v)
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
		Long: "Serves Kinesis (awsJson1_1, in JSON or CBOR) and CloudWatch (RPCv2 CBOR, awsJson1_0, awsQuery) on one port,\n" +
			"HTTP/1.1 and HTTP/2 (h2c, or https with --tls), until Ctrl-C.\n" +
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
	fs.DurationVar(&e.createDelay, "create-delay", 5*time.Second, "how long CreateStream keeps a stream CREATING, as AWS does (0: ACTIVE at once; --stream's streams are ACTIVE at once)")
	fs.DurationVar(&e.deleteDelay, "delete-delay", 5*time.Second, "how long DeleteStream keeps a stream DELETING, as AWS does (0: gone at once)")
	fs.DurationVar(&e.reshard, "reshard-delay", d.ReshardDelay, "how long resharding keeps a stream UPDATING")
	fs.Int64Var(&e.bytesPerSec, "shard-bytes-per-sec", d.Limits.ShardBytesPerSec, "per-shard write limit, bytes/s (partition keys included)")
	fs.Int64Var(&e.recsPerSec, "shard-records-per-sec", d.Limits.ShardRecordsPerSec, "per-shard write limit, records/s")
	fs.StringVar(&e.sizeAccounting, "size-accounting", string(d.Limits.SizeAccounting), "how writes count against a shard's bytes limit: rounded (AWS's documented rule: PutRecord rounds each record up to the next KiB, PutRecords the call's sum per shard) or raw (the bytes sent)")
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
	fs.Float64Var(&e.odTimeScale, "on-demand-time-scale", d.OnDemandTimeScale, "divide on-demand capacity's windows (30-day peak, 15-minute scaling) by this, e.g. 3600 for demos")
	fs.Int64Var(&e.seed, "seed", d.Seed, "seed for fault injection")
	fs.DurationVar(&e.logEvery, "log-every", time.Minute, "how often to log the totals")
	fs.Var(&e.shardQuota, "shard-quota", fmt.Sprintf("the account's open shard quota (CreateStream, UpdateShardCount, DescribeLimits; default: AWS's for --region, %d in us-east-1, us-west-2 and eu-west-1, %d elsewhere)",
		emulator.DefaultShardQuota("us-east-1"), emulator.DefaultShardQuota("local")))
	fs.Var(&e.streams, "stream", "stream to create at start, NAME:SHARDS or NAME:on-demand (repeatable)")
	bindEmulatorTLSFlags(fs, &e.tls)
}

// emulatorFlags are the flags of `shardstorm emulator`: the emulator's own configuration, not
// run knobs (no config file or SHARDSTORM_* layer applies to them).
type emulatorFlags struct {
	streams                             streamFlags
	shardQuota                          optionalInt
	addr, region, account, latency      string
	sizeAccounting                      string
	answerLatency                       string
	allowRemote, kmsDenied, blackHole   bool
	createDelay, deleteDelay            time.Duration
	reshard, logEvery                   time.Duration
	tls                                 emulatorTLS
	bytesPerSec, recsPerSec, maxRequest int64
	retainBytes, seed                   int64
	retainRecs                          int
	failRate, serverRate, cpThrottle    float64
	odTimeScale, resetRate              float64
}

func runEmulator(e emulatorFlags, stdout io.Writer) error {
	cfg, err := e.config()
	if err != nil {
		return err
	}
	srv, certPath, err := listenEmulator(e, cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "shardstorm emulator serving Kinesis and CloudWatch on %s\n", srv.URL)
	fmt.Fprintf(stdout, "  export AWS_ENDPOINT_URL_KINESIS=%s AWS_ENDPOINT_URL_CLOUDWATCH=%s\n", srv.URL, srv.URL)
	if certPath != "" {
		fmt.Fprintf(stdout, "  TLS with a self-signed certificate in %s: trust it with\n", certPath)
		fmt.Fprintf(stdout, "  export AWS_CA_BUNDLE=%s NODE_EXTRA_CA_CERTS=%s REQUESTS_CA_BUNDLE=%s\n", certPath, certPath, certPath)
	}
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
			fmt.Fprintf(w, "%s %s [%s]: +%d records +%s accepted, +%d throttled, +%d internal failures (total %d records, %s)\n",
				time.Now().Format(time.TimeOnly), name, streamState(st), tot.AcceptedRecords-prev.AcceptedRecords,
				humanBytes(tot.AcceptedBytes-prev.AcceptedBytes), tot.ThrottledRecords-prev.ThrottledRecords,
				tot.InternalFailures-prev.InternalFailures, tot.AcceptedRecords, humanBytes(tot.AcceptedBytes))
		}
	}
}

// streamState is a totals line's bracket: status and open shards, and for an on-demand stream
// its capacity: "ACTIVE, 8 shards, on-demand: 8.0 MiB/s, peak 3.0 MiB/s, scaling to 16 shards".
func streamState(st emulator.StreamStats) string {
	out := fmt.Sprintf("%s, %d shards", st.Status, openShards(st))
	od := st.OnDemand
	if od == nil {
		return out
	}
	out += fmt.Sprintf(", on-demand: %s/s, peak %s/s", humanBytes(od.WriteBytesPerSec), humanBytes(od.PeakBytesPerSec))
	if od.PendingSplits > 0 {
		out += fmt.Sprintf(", scaling to %d shards", openShards(st)+od.PendingSplits)
	}
	return out
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

// listenEmulator serves the emulator on e.addr, over TLS when asked; certPath is where a
// generated certificate was written ("" otherwise).
func listenEmulator(e emulatorFlags, cfg emulator.Config) (srv *emulator.Server, certPath string, err error) {
	if !e.tls.enabled() {
		srv, err = emulator.Listen(e.addr, cfg)
		return srv, "", err
	}
	cert, certPath, err := e.tls.certificate(e.addr)
	if err != nil {
		return nil, "", err
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", e.addr)
	if err != nil {
		return nil, "", fmt.Errorf("emulator: listen on %s: %w", e.addr, err)
	}
	return emulator.ServeTLS(ln, emu, cert), certPath, nil
}
