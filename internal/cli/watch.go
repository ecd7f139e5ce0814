package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/tui"
)

// newWatchCommand is `shardstorm watch`: the dashboard for a stream others load, from
// ListShards, DescribeStreamSummary and CloudWatch only. It sends nothing to the stream.
func newWatchCommand() *cobra.Command {
	s := app.DefaultRunSettings()
	s.Options.Stream = "" // no default: --stream is required
	cmd := &cobra.Command{
		Use:   "watch --stream NAME (--endpoint URL | --aws | --region R | --profile P)",
		Short: "the dashboard for a stream loaded by others, from CloudWatch (--endpoint or AWS); sends no load",
		Long: `The dashboard for a stream loaded by something else: no load is sent. Figures come from CloudWatch
(IncomingRecords/IncomingBytes; per shard, and throttles, only with enhanced monitoring on) and run a
few periods late: ~4 s against an endpoint, ~4 min against AWS. Needs --endpoint or AWS: there is no
load to watch on a fresh embedded emulator. Needs kinesis:ListShards, kinesis:DescribeStreamSummary and
cloudwatch:GetMetricData; s asks before UpdateShardCount. q quits.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := s.Options
			return runWatch(cmd.Flags(), app.WatchOptions{Stream: o.Stream, Endpoint: o.Endpoint, AWS: o.AWS, Region: o.Region, Profile: o.Profile})
		},
	}
	addKnobFlags(cmd.Flags(), s, app.WatchKnobs())
	return cmd
}

func runWatch(fs *pflag.FlagSet, o app.WatchOptions) error {
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
	defer w.Stop()
	return tui.Run(ctx, w, w, tui.Options{})
}
