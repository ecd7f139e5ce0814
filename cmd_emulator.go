package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
)

// streamFlags collects repeated --stream NAME:SHARDS (or NAME:on-demand) values.
type streamFlags []emulator.StreamSpec

func (s *streamFlags) String() string { return fmt.Sprint(*s) }

func (s *streamFlags) Set(v string) error {
	name, shards, ok := strings.Cut(v, ":")
	if !ok || name == "" {
		return fmt.Errorf("want NAME:SHARDS or NAME:on-demand, got %q", v)
	}
	if shards == "on-demand" {
		*s = append(*s, emulator.StreamSpec{Name: name, OnDemand: true})
		return nil
	}
	n, err := strconv.Atoi(shards)
	if err != nil || n < 1 {
		return fmt.Errorf("want NAME:SHARDS with SHARDS a whole number ≥ 1, got %q", v)
	}
	*s = append(*s, emulator.StreamSpec{Name: name, Shards: n})
	return nil
}

func runEmulator(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := emulator.DefaultConfig()
	var (
		streams     streamFlags
		addr        = fs.String("addr", "127.0.0.1:4567", "address to serve Kinesis and CloudWatch on")
		allowRemote = fs.Bool("allow-remote", false, "allow an address other than loopback (the emulator has no authentication)")
		region      = fs.String("region", d.Region, "region in ARNs and messages")
		account     = fs.String("account", d.AccountID, "account id in ARNs and messages")
		createDelay = fs.Duration("create-delay", 0, "how long new streams stay CREATING")
		reshard     = fs.Duration("reshard-delay", d.ReshardDelay, "how long resharding keeps a stream UPDATING")
		bytesPerSec = fs.Int64("shard-bytes-per-sec", d.Limits.ShardBytesPerSec, "per-shard write limit, bytes/s (partition keys included)")
		recsPerSec  = fs.Int64("shard-records-per-sec", d.Limits.ShardRecordsPerSec, "per-shard write limit, records/s")
		maxRequest  = fs.Int64("max-request-bytes", d.Limits.MaxRequestBytes, "PutRecords request size limit (5242880 models the limit before Oct 2025)")
		retainRecs  = fs.Int("retain-records", d.RetainRecordsPerShard, "records kept per shard for GetRecords")
		retainBytes = fs.Int64("retain-bytes", d.RetainBytesPerShard, "bytes kept per shard for GetRecords")
		failRate    = fs.Float64("internal-failure-rate", 0, "fault: probability of InternalFailure per record")
		serverRate  = fs.Float64("server-error-rate", 0, "fault: probability of a 500/503 per request")
		latency     = fs.String("latency", "", "fault: added request latency: 20ms, 10ms-50ms or lognormal:20ms:0.5")
		kmsDenied   = fs.Bool("kms-denied", false, "fault: writes to KMS-encrypted streams fail with KMSAccessDeniedException")
		cpThrottle  = fs.Float64("control-plane-throttle-rate", 0, "fault: probability of LimitExceededException per control-plane call")
		seed        = fs.Int64("seed", d.Seed, "seed for fault injection")
		logEvery    = fs.Duration("log-every", time.Minute, "how often to log the totals")
	)
	fs.Var(&streams, "stream", "stream to create at start, NAME:SHARDS or NAME:on-demand (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: shardstorm emulator [flags]\n\nServes Kinesis (awsJson1_1) and CloudWatch (RPCv2 CBOR) on one port until Ctrl-C.")
		fmt.Fprintln(stderr, "Point any AWS SDK or tool at it with AWS_ENDPOINT_URL_KINESIS and AWS_ENDPOINT_URL_CLOUDWATCH.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkLoopback(*addr, *allowRemote); err != nil {
		return usageError{err}
	}
	lat, err := emulator.ParseLatency(*latency)
	if err != nil {
		return usageError{err}
	}
	cfg := emulator.Config{
		Region: *region, AccountID: *account, CreateDelay: *createDelay, ReshardDelay: *reshard,
		Limits:                emulator.Limits{ShardBytesPerSec: *bytesPerSec, ShardRecordsPerSec: *recsPerSec, MaxRequestBytes: *maxRequest},
		RetainRecordsPerShard: *retainRecs, RetainBytesPerShard: *retainBytes, Seed: *seed, Streams: streams,
		Faults: emulator.Faults{InternalFailureRate: *failRate, ServerErrorRate: *serverRate, Latency: lat,
			KMSAccessDenied: *kmsDenied, ControlPlaneThrottleRate: *cpThrottle},
	}
	srv, err := emulator.Listen(*addr, cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "shardstorm emulator serving Kinesis and CloudWatch on %s\n", srv.URL)
	fmt.Fprintf(stdout, "  export AWS_ENDPOINT_URL_KINESIS=%s AWS_ENDPOINT_URL_CLOUDWATCH=%s\n", srv.URL, srv.URL)
	fmt.Fprintln(stdout, "  (any credentials and region work; Ctrl-C stops)")
	logTotals(ctx, srv.Emulator, stdout, *logEvery)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// checkLoopback refuses to serve beyond this machine unless asked: the emulator takes any
// credentials.
func checkLoopback(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address; the emulator accepts any credentials, so pass --allow-remote to serve beyond this machine", addr)
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
