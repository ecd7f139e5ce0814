package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/shardstorm/shardstorm/internal/profiling"
	"github.com/shardstorm/shardstorm/workload"
)

// childMain is a contender process: it sets up, says ready, waits for go, runs the generator
// into its contender for the duration, drains, and reports one JSON line. The exit code is 0
// when the report was written, whatever the records' fate.
func childMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(childRole, flag.ContinueOnError)
	fs.SetOutput(stderr)
	raw := fs.String("config", "", "the run, as JSON (written by the orchestrator)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := parseChildConfig(*raw)
	if err != nil {
		fmt.Fprintf(stderr, "bench contender: %v\n", err)
		return 2
	}
	if cfg.CPUProfile != "" {
		stop, err := profiling.StartCPU(cfg.CPUProfile)
		if err != nil {
			fmt.Fprintf(stderr, "bench contender: -cpuprofile: %v\n", err)
			return 2
		}
		defer stop()
	}
	rep, err := runChild(context.Background(), cfg, stdin, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "bench contender %s: %v\n", cfg.Contender, err)
		return 1
	}
	line, err := json.Marshal(rep)
	if err != nil {
		fmt.Fprintf(stderr, "bench contender: %v\n", err)
		return 1
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return 1
	}
	return 0
}

func workloadSpec(cfg childConfig) (workload.Spec, error) {
	keys, err := workload.ParseKeys(cfg.Keys)
	if err != nil {
		return workload.Spec{}, err
	}
	spec := workload.DefaultSpec()
	spec.Seed = cfg.Seed
	spec.Duration = cfg.Duration
	spec.Rate = cfg.Rate
	spec.Keys = keys
	spec.Size = workload.SizeSpec{Kind: workload.SizesFixed, Size: cfg.DataBytes}
	return spec, spec.Validate()
}

func runChild(ctx context.Context, cfg childConfig, stdin io.Reader, stdout io.Writer) (childReport, error) {
	spec, err := workloadSpec(cfg)
	if err != nil {
		return childReport{}, err
	}
	t := newTally()
	c, requests, err := newContender(ctx, cfg, t)
	if err != nil {
		return childReport{}, fmt.Errorf("set up: %w", err)
	}
	gen, err := workload.New(workload.Config{Spec: spec, Sink: c})
	if err != nil {
		c.finish(ctx)
		return childReport{}, err
	}
	if err := handshake(stdin, stdout); err != nil {
		c.finish(ctx)
		return childReport{}, err
	}
	if b, ok := c.(beginner); ok {
		if err := b.begin(ctx); err != nil {
			c.finish(ctx)
			return childReport{}, fmt.Errorf("start: %w", err)
		}
	}
	var mem *memWatch
	if cfg.MemProfile != "" {
		mem = startMemWatch(cfg.MemProfile)
	}
	runErr := gen.Run(ctx)
	if mem != nil {
		if err := mem.writeHeapProfile(".heap.pprof", true); err != nil {
			c.finish(ctx)
			return childReport{}, fmt.Errorf("-memprofile: %w", err)
		}
	}
	drain, cancel := context.WithTimeout(ctx, cfg.Drain)
	c.finish(drain)
	cancel()
	if mem != nil {
		if err := mem.stopAndWrite(); err != nil {
			return childReport{}, fmt.Errorf("-memprofile: %w", err)
		}
	}

	st := gen.Stats()
	rep := childReport{Late: st.Late}
	rep.Generated = int64(st.Scheduled)
	rep.NotSentBehind, rep.NotSentFull = int64(st.DroppedBehind), int64(st.DroppedFull)
	if err := t.report(&rep); err != nil {
		return rep, err
	}
	rep.Failed += int64(st.Failed) // refused by the contender with an error other than full
	rep.WriteRequests, rep.OtherRequests = requests.writes.Load(), requests.other.Load()
	rep.UnansweredRecords = requests.unanswered.Load()
	if runErr != nil {
		rep.LastError = runErr.Error()
	}
	if fr, ok := c.(fleetReporter); ok {
		if rep.Fleet, err = fr.fleetFigures(); err != nil {
			return rep, err
		}
	}
	rep.PeakRSS = ownPeakRSS()
	return rep, nil
}

// handshake says ready and waits for the orchestrator's go.
func handshake(stdin io.Reader, stdout io.Writer) error {
	if _, err := fmt.Fprintln(stdout, lineReady); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("waiting for go: %w", err)
	}
	if strings.TrimSpace(line) != lineGo {
		return fmt.Errorf("waiting for go: got %q", line)
	}
	return nil
}
