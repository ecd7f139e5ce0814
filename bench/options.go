package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// options are the orchestrator's settings.
type options struct {
	Cells    []Cell
	CellSpec string // as given, for the report
	Duration time.Duration
	Drain    time.Duration
	Warmup   time.Duration
	Shards   int
	Workers  int
	Queue    int
	Seed     uint64
	Out      string // path without extension; "" picks the default for the cells chosen
	Render   string // a results JSON file to render as Markdown again, instead of running
	// CPUProfile, if set, is a directory where every contender process writes its CPU profile
	// (SITUATION-CONTENDER-N.pprof), to see where a cell's CPU seconds per record go.
	CPUProfile string
	// MemProfile, if set, is a directory where every contender process writes its heap profile
	// at the end of the load (SITUATION-CONTENDER-N.heap.pprof) and near its peak (.peak.heap.pprof),
	// and its runtime memory statistics at its peak (.memstats.txt), to see what its RSS holds.
	MemProfile string
}

// Defaults. The matrix's 20 cells of 30 s load plus up to 10 s of drain each fit the 15
// minutes on a 2-core machine (the fleet's 3 cells add about 2); the 60 s is one flag
// away for a single cell.
const (
	defaultDuration = 30 * time.Second
	defaultDrain    = 10 * time.Second
	defaultShards   = 8
	// defaultWorkers: goroutines of the PutRecord and PutRecords contenders, as many as the
	// requests the producer keeps in flight (MaxConnections, the KPL's 24).
	defaultWorkers = 24
	// defaultQueue bounds what the PutRecord and PutRecords contenders hold between the
	// generator and their goroutines; past it records are counted as not sent.
	defaultQueue = 10_000
)

// defaultWarmup excludes the first seconds from the rates: an idle shard's buckets start full
// (1 MiB and 1000 records of burst), which would otherwise add ~3 % to a 30 s run.
func defaultWarmup(d time.Duration) time.Duration { return min(5*time.Second, d/5) }

func parseOptions(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.CellSpec, "cell", "", "cells to run: SITUATION/CONTENDER, comma-separated; either side may be *; a bare SITUATION runs all its contenders (default: the whole matrix)")
	fs.DurationVar(&o.Duration, "duration", defaultDuration, "offered load per cell (the issue's figure is 60s; the default keeps the matrix under 15 minutes)")
	fs.DurationVar(&o.Drain, "drain", defaultDrain, "after the load, how long a contender may finish sending before what it still holds counts as pending")
	fs.DurationVar(&o.Warmup, "warmup", -1, "start of each run left out of the delivered rates (default: min(5s, duration/5))")
	fs.IntVar(&o.Shards, "shards", defaultShards, "shards of the stream")
	fs.IntVar(&o.Workers, "workers", defaultWorkers, "goroutines of the putrecord and putrecords contenders")
	fs.IntVar(&o.Queue, "queue", defaultQueue, "records the putrecord and putrecords contenders may hold")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the records (keys, payloads)")
	fs.StringVar(&o.Out, "out", "", "write OUT.md and OUT.json (default bench/results/latest for the whole matrix, bench/results/partial otherwise)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write each contender process's CPU profile into this directory (SITUATION-CONTENDER-N.pprof; go tool pprof reads them)")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write each contender process's heap profile at the end of the load and near its peak, and its memory statistics at its peak, into this directory (SITUATION-CONTENDER-N.heap.pprof, .peak.heap.pprof, .memstats.txt)")
	fs.StringVar(&o.Render, "render", "", "render an existing results file (X.json) as Markdown again (X.md) and exit, running nothing")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./bench [flags]\n\nRuns the side-by-side benchmark (see bench/doc.go) against an in-process emulator.\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nsituations: %v\ncontenders: %v\n", situationNames(), contenderNames())
	}
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q (flags only; see -help)", fs.Arg(0))
	}
	if o.Warmup < 0 {
		o.Warmup = defaultWarmup(o.Duration)
	}
	if err := o.validate(); err != nil {
		return options{}, err
	}
	for _, d := range []struct{ flag, dir string }{{"-cpuprofile", o.CPUProfile}, {"-memprofile", o.MemProfile}} {
		if d.dir == "" {
			continue
		}
		if err := os.MkdirAll(d.dir, 0o755); err != nil {
			return options{}, fmt.Errorf("%s %s: %w", d.flag, d.dir, err)
		}
	}
	cells, err := selectCells(o.CellSpec)
	if err != nil {
		return options{}, err
	}
	o.Cells = cells
	if o.Out == "" {
		o.Out = "bench/results/partial"
		if len(cells) == len(allCells()) {
			o.Out = "bench/results/latest"
		}
	}
	return o, nil
}

func (o options) validate() error {
	var errs []error
	if o.Duration < time.Second || o.Duration > time.Hour {
		errs = append(errs, fmt.Errorf("-duration %s: want 1s..1h", o.Duration))
	}
	if o.Drain < 0 || o.Drain > 10*time.Minute {
		errs = append(errs, fmt.Errorf("-drain %s: want 0..10m", o.Drain))
	}
	if o.Warmup >= o.Duration {
		errs = append(errs, fmt.Errorf("-warmup %s: want less than -duration (%s)", o.Warmup, o.Duration))
	}
	if o.Shards < 1 || o.Shards > 500 {
		errs = append(errs, fmt.Errorf("-shards %d: want 1..500", o.Shards))
	}
	if o.Workers < 1 || o.Workers > 1024 {
		errs = append(errs, fmt.Errorf("-workers %d: want 1..1024", o.Workers))
	}
	if o.Queue < 1 || o.Queue > 10_000_000 {
		errs = append(errs, fmt.Errorf("-queue %d: want 1..10000000", o.Queue))
	}
	return errors.Join(errs...)
}
