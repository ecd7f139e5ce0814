package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/tui"
)

// runWatch is `shardstorm watch`: the dashboard for a stream others load, from ListShards,
// DescribeStreamSummary and CloudWatch only. It sends nothing to the stream.
func runWatch(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o app.WatchOptions
	fs.StringVar(&o.Stream, "stream", "", "stream `NAME` to watch (required)")
	fs.StringVar(&o.Endpoint, "endpoint", "", "a Kinesis-compatible endpoint `URL` serving CloudWatch too (shardstorm emulator, LocalStack)")
	fs.BoolVar(&o.AWS, "aws", false, "use real AWS through the standard configuration chain (environment, shared files, profiles, SSO)")
	fs.StringVar(&o.Region, "region", "", "AWS region (implies --aws unless --endpoint)")
	fs.StringVar(&o.Profile, "profile", "", "AWS shared-config profile (implies --aws unless --endpoint)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: shardstorm watch --stream NAME (--endpoint URL | --aws | --region R | --profile P)")
		fmt.Fprintln(stderr, "\nThe dashboard for a stream loaded by something else: no load is sent. Figures come from CloudWatch")
		fmt.Fprintln(stderr, "(IncomingRecords/IncomingBytes; per shard, and throttles, only with enhanced monitoring on) and run a")
		fmt.Fprintln(stderr, "few periods late: ~4 s against an endpoint, ~4 min against AWS. Needs --endpoint or AWS: there is no")
		fmt.Fprintln(stderr, "load to watch on a fresh embedded emulator. Needs kinesis:ListShards, kinesis:DescribeStreamSummary and")
		fmt.Fprintln(stderr, "cloudwatch:GetMetricData; s asks before UpdateShardCount. q quits.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if (set["region"] || set["profile"]) && o.Endpoint == "" {
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

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
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
	defer w.Stop()
	return tui.Run(ctx, w, w, tui.Options{})
}
