package sdktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Writer is testdata/writer.cjs: a producer shardstorm did not write (AWS's JS SDK v3), writing
// to a stream at a steady rate from a process of its own.
type Writer struct {
	Endpoint, Stream string
	RecordsPerSec    float64
	RecordBytes      int
	// HotShare of the records (0..1) use one partition key, "hot-key"; the rest uniform random keys.
	HotShare float64
	// API is "PutRecords" (batches of up to 500) or "PutRecord" (one call per record).
	API      string
	Duration time.Duration
}

// WriterTotals is what the writer printed at the end. Due is the records the clock scheduled,
// Records those sent: fewer when the writer could not keep up (PutRecord, one call per record
// and at most 64 at once, tops out at a few hundred records/s on a busy machine).
type WriterTotals struct {
	API                                string
	Due, Records, Bytes                int64
	Succeeded, Failed                  int64
	Throttled, Requests, RequestErrors int64
	Errors                             map[string]int64
	Seconds                            float64
}

// WriterProcess is a running writer.
type WriterProcess struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

// StartWriter starts the writer with node, using the packages in modules (from NodeModules, with
// @aws-sdk/client-kinesis); it is killed when the test ends if still running.
func StartWriter(t testing.TB, modules string, w Writer) *WriterProcess {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "testdata", "writer.cjs")
	p := &WriterProcess{}
	p.cmd = exec.Command("node", "--no-warnings", script, modules, w.Endpoint, w.Stream, fmt.Sprint(w.RecordsPerSec), fmt.Sprint(w.RecordBytes),
		fmt.Sprint(w.HotShare), w.API, fmt.Sprint(w.Duration.Seconds()))
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the Node writer: %v", err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// Wait waits for the writer to end and returns its totals.
func (p *WriterProcess) Wait() (WriterTotals, error) {
	var tot WriterTotals
	if err := p.cmd.Wait(); err != nil {
		return tot, fmt.Errorf("node writer: %w\n%s", err, p.stderr.String())
	}
	if err := json.Unmarshal(p.stdout.Bytes(), &tot); err != nil {
		return tot, fmt.Errorf("node writer printed %q: %w\n%s", p.stdout.String(), err, p.stderr.String())
	}
	return tot, nil
}
