package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/workload"
)

const (
	benchStream = "bench"
	// readyTimeout bounds a contender's setup (client, shard map).
	readyTimeout = 60 * time.Second
	// exitSlack is how long past its load and drain a contender may take to report before it is
	// killed.
	exitSlack = 60 * time.Second
	// rssInterval is how often the children's memory is sampled.
	rssInterval = 250 * time.Millisecond
)

// runner runs cells: each on a fresh emulator hosted by this process, with its contender's
// processes started from self (this executable).
type runner struct {
	self string
	opts options
}

// meanRecordBytes is data + partition key per record of a situation, measured on the records
// its generator makes (the key strategy decides the key lengths).
func meanRecordBytes(s Situation, seed uint64) (float64, error) {
	spec := workload.DefaultSpec()
	spec.Seed = seed
	keys, err := workload.ParseKeys(s.Keys)
	if err != nil {
		return 0, err
	}
	spec.Keys = keys
	spec.Size = workload.SizeSpec{Kind: workload.SizesFixed, Size: s.DataBytes}
	src, err := workload.NewSource(spec, nil)
	if err != nil {
		return 0, err
	}
	const n = 20_000
	var total int
	for i := range uint64(n) {
		r := src.Next(i, time.Time{})
		total += len(r.Data) + len(r.PartitionKey)
	}
	return float64(total) / n, nil
}

// run runs one cell and returns its figures; an error means the cell could not run.
func (rn runner) run(ctx context.Context, cell Cell) (CellResult, error) {
	o := rn.opts
	sit := cell.Situation
	mean, err := meanRecordBytes(sit, o.Seed)
	if err != nil {
		return CellResult{}, err
	}
	total := sit.Load * float64(o.Shards*shardBytesPerSec) / mean
	if sit.RecordLoad > 0 {
		total = sit.RecordLoad * float64(o.Shards*shardRecordsPerSec)
	}
	var faults emulator.Faults
	if sit.Latency != "" {
		if faults.Latency, err = emulator.ParseLatency(sit.Latency); err != nil {
			return CellResult{}, fmt.Errorf("situation %s: latency: %w", sit.Name, err)
		}
	}

	// The emulator keeps little data: nothing reads the stream back, and the ground truth is its
	// counters. A small log also spares this process's garbage collector.
	srv, err := emulator.Start(emulator.Config{
		Streams:               []emulator.StreamSpec{{Name: benchStream, Shards: o.Shards}},
		RetainRecordsPerShard: 1000, RetainBytesPerShard: 1 << 20, Faults: faults,
	})
	if err != nil {
		return CellResult{}, err
	}
	defer srv.Close()

	var children []*child
	defer func() {
		for _, ch := range children {
			ch.kill()
		}
	}()
	for i := range sit.Producers {
		cfg := childConfig{
			Endpoint: srv.URL, Stream: benchStream, Contender: cell.Contender,
			DataBytes: sit.DataBytes, Keys: sit.Keys, Rate: total / float64(sit.Producers),
			Duration: o.Duration, Drain: o.Drain, Seed: o.Seed*1000 + uint64(i) + 1,
			Workers: o.Workers, Queue: o.Queue, Fleet: childFleetOf(sit, cell.Contender, o.Duration),
		}
		if o.CPUProfile != "" {
			cfg.CPUProfile = filepath.Join(o.CPUProfile, fmt.Sprintf("%s-%s-%d.pprof", cell.Situation.Name, cell.Contender, i+1))
		}
		if o.MemProfile != "" {
			cfg.MemProfile = filepath.Join(o.MemProfile, fmt.Sprintf("%s-%s-%d", cell.Situation.Name, cell.Contender, i+1))
		}
		ch, err := startChild(rn.self, cfg)
		if err != nil {
			return CellResult{}, err
		}
		children = append(children, ch)
	}
	for i, ch := range children {
		if err := ch.waitReady(readyTimeout); err != nil {
			return CellResult{}, fmt.Errorf("producer %d: %w", i, err)
		}
	}

	run := cellRun{Cell: cell, Shards: o.Shards, MeanRecordBytes: mean, OfferedRate: total}
	cpu0 := selfCPU()
	start := time.Now()
	for i, ch := range children {
		if err := ch.start(start, o.Duration); err != nil {
			return CellResult{}, fmt.Errorf("producer %d: %w", i, err)
		}
	}
	stats := func() emulator.StreamStats {
		st, _ := srv.Emulator.StreamStats(benchStream)
		return st
	}
	// The measurement window: from the end of the warm-up to the end of the load; with an
	// outage, its start and the reconnect too.
	outAt, outFor := sit.Fleet.outage(o.Duration)
	marks := []time.Duration{o.Warmup, o.Duration}
	if outFor > 0 {
		marks = append(marks, outAt, outAt+outFor)
	}
	slices.Sort(marks)
	snaps := map[time.Duration]snapshot{}
	for _, m := range marks {
		sleepUntil(ctx, start.Add(m))
		snaps[m] = snapshot{stats(), time.Now()}
	}
	run.WindowFrom, run.WindowTo = snaps[o.Warmup].stats, snaps[o.Duration].stats
	run.Window = snaps[o.Duration].at.Sub(snaps[o.Warmup].at)
	if outFor > 0 {
		run.Outage = &outageRun{At: outAt, For: outFor, Start: snaps[outAt], Reconnect: snaps[outAt+outFor], LoadEnd: snaps[o.Duration]}
	}
	if err := ctx.Err(); err != nil {
		return CellResult{}, fmt.Errorf("interrupted: %w", err) // the deferred kill stops the contenders
	}

	deadline := start.Add(o.Duration + o.Drain + exitSlack)
	var errs []error
	for i, ch := range children {
		cr, err := ch.wait(deadline)
		if err != nil {
			errs = append(errs, fmt.Errorf("producer %d: %w", i, err))
		}
		cr.RSS = rssGrowth(ch.samples, o.Duration)
		run.Children = append(run.Children, cr)
	}
	if err := errors.Join(errs...); err != nil {
		return CellResult{}, err
	}
	run.Final = stats()
	run.EmulatorCPU = selfCPU() - cpu0
	return summarize(run)
}

func sleepUntil(ctx context.Context, t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// child is one contender process.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // the child's stdout, line by line
	stderr *boundedBuffer

	sampling context.CancelFunc
	sampled  chan struct{}
	samples  []rssSample
}

func startChild(self string, cfg childConfig) (*child, error) {
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, childRole, "-config", string(raw))
	ch := &child{cmd: cmd, lines: make(chan string, 4), stderr: &boundedBuffer{max: 64 << 10}}
	cmd.Stderr = ch.stderr
	if ch.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start contender process: %w", err)
	}
	go func() {
		defer close(ch.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 64<<20) // the report carries a histogram
		for sc.Scan() {
			ch.lines <- sc.Text()
		}
	}()
	return ch, nil
}

func (ch *child) waitReady(timeout time.Duration) error {
	select {
	case line, ok := <-ch.lines:
		if !ok {
			return ch.failure("exited during set-up")
		}
		if line != lineReady {
			return ch.failure(fmt.Sprintf("said %q instead of ready", line))
		}
		return nil
	case <-time.After(timeout):
		return ch.failure(fmt.Sprintf("not ready after %s", timeout))
	}
}

// start says go and samples the child's memory until it exits.
func (ch *child) start(at time.Time, load time.Duration) error {
	ctx, cancel := context.WithCancel(context.Background())
	ch.sampling, ch.sampled = cancel, make(chan struct{})
	go func() {
		defer close(ch.sampled)
		ch.samples = sampleRSS(ctx, ch.cmd.Process.Pid, at, rssInterval)
	}()
	_, err := io.WriteString(ch.stdin, lineGo+"\n")
	return err
}

// wait reads the child's report and reaps it, killing it at deadline.
func (ch *child) wait(deadline time.Time) (childRun, error) {
	var cr childRun
	var report string
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for done := false; !done; {
		select {
		case line, ok := <-ch.lines:
			if !ok {
				done = true
				break
			}
			report = line
		case <-timer.C:
			ch.kill()
			ch.stopSampling()
			return cr, ch.failure("did not finish in time; killed")
		}
	}
	err := ch.cmd.Wait()
	ch.stopSampling()
	if err != nil {
		return cr, ch.failure(err.Error())
	}
	cr.CPU, cr.PeakRSS = processUsage(ch.cmd.ProcessState)
	if err := json.Unmarshal([]byte(report), &cr.Report); err != nil {
		return cr, ch.failure(fmt.Sprintf("unreadable report %q: %v", truncate(report, 200), err))
	}
	if cr.Report.PeakRSS > 0 {
		cr.PeakRSS = cr.Report.PeakRSS
	}
	return cr, nil
}

func (ch *child) stopSampling() {
	if ch.sampling != nil {
		ch.sampling()
		<-ch.sampled
		ch.sampling = nil
	}
}

// kill ends a child that has not been reaped, and reaps it.
func (ch *child) kill() {
	if ch.cmd.ProcessState == nil && ch.cmd.Process != nil {
		_ = ch.cmd.Process.Kill()
		_ = ch.cmd.Wait()
	}
	ch.stopSampling()
}

func (ch *child) failure(what string) error {
	msg := strings.TrimSpace(ch.stderr.String())
	if msg == "" {
		return fmt.Errorf("contender process %s", what)
	}
	return fmt.Errorf("contender process %s: %s", what, msg)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// boundedBuffer keeps the last max bytes written to it: a child's stderr, for error messages.
type boundedBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *boundedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// selfExecutable is the binary to start contenders from.
func selfExecutable() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find this executable to start contender processes: %w", err)
	}
	return p, nil
}
