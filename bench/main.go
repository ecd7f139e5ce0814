// Command bench runs shardstorm's side-by-side benchmark (issue 9): in one run on one machine,
// how much of a stream's physical capacity each way of writing to Kinesis delivers.
//
//	go run ./bench                                  # the whole matrix (~14 min on 2 cores, the fleet included)
//	go run ./bench -cell fleet                      # the fleet of small clients, its 3 contenders
//	go run ./bench -cell 1p-100b/putrecords -duration 60s
//	go run ./bench -cell 4p                         # one situation, every contender
//	go run ./bench -render bench/results/latest.json # the Markdown again, from recorded results
//
// The orchestrator (this process) hosts the emulator, a fresh 8-shard stream per cell, and starts
// each contender as a process of its own (this executable, with a hidden first argument), so
// their CPU and memory are their own. It writes bench/results/latest.{md,json} (partial.* for a
// subset), prints the Markdown, and exits 1 if a target fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == childRole {
		os.Exit(childMain(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(orchestrate(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// orchestrate runs the cells the flags choose and returns the exit code: 0 when every target
// run passed, 1 when one failed or a cell could not run, 2 on bad flags.
func orchestrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	if o.Render != "" {
		md, err := rerender(o.Render)
		if err != nil {
			fmt.Fprintf(stderr, "bench: -render: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: wrote %s\n", md)
		return 0
	}
	self, err := selfExecutable()
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	rep := Report{Machine: thisMachine(), Command: commandLine(args), Started: time.Now(),
		LoadAverageStart: loadAverage(), Settings: settingsOf(o)}
	rn := runner{self: self, opts: o}
	cellsFailed := 0
	for i, cell := range o.Cells {
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(stderr, "bench: [%d/%d] %s ...", i+1, len(o.Cells), cell.Name())
		began := time.Now()
		res, err := rn.run(ctx, cell)
		if err != nil {
			cellsFailed++
			res = CellResult{Cell: cell.Name(), Situation: cell.Situation.Name, Contender: cell.Contender, Error: err.Error()}
			fmt.Fprintf(stderr, " failed after %s: %v\n", time.Since(began).Round(time.Second), err)
		} else {
			fmt.Fprintf(stderr, " %s: %.2f MiB/s (%.1f %%), %s user records/s, throttled %s, accounted %v\n",
				time.Since(began).Round(time.Second), res.DeliveredMiBPerSec, res.ByteCapacityPct,
				formatFloat(res.DeliveredRecordsPerSec, 0), formatPct(res.ThrottledFraction), res.Accounting.Accounted)
		}
		rep.Cells = append(rep.Cells, res)
	}
	rep.WallSeconds = time.Since(rep.Started).Seconds()
	rep.LoadAverageEnd = loadAverage()
	rep.Targets = evaluateTargets(rep.Cells)
	if err := writeFiles(o.Out, rep); err != nil {
		fmt.Fprintf(stderr, "bench: writing results: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, renderMarkdown(rep))
	fmt.Fprintf(stderr, "bench: wrote %s.md and %s.json (wall time %s)\n", o.Out, o.Out, time.Duration(rep.WallSeconds*float64(time.Second)).Round(time.Second))
	code := 0
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "bench: interrupted; the results cover the cells that ran")
		code = 1
	}
	if cellsFailed > 0 {
		fmt.Fprintf(stderr, "bench: %d cell(s) could not run\n", cellsFailed)
		code = 1
	}
	for _, t := range failed(rep.Targets) {
		fmt.Fprintf(stderr, "bench: target failed: %s: %s\n", t.Name, t.Detail)
		code = 1
	}
	return code
}

// commandLine is how the run was invoked, for the report.
func commandLine(args []string) string {
	if len(args) == 0 {
		return "go run ./bench"
	}
	return "go run ./bench " + strings.Join(args, " ")
}
