//go:build unix

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/metrics"
)

// The fault matrix's one real-process cell (the others run in process on virtual time, in
// internal/app): the built binary's emulator, stopped with SIGSTOP for 10 s in the middle of a
// `shardstorm run --headless --verify` against it, then continued. A stopped process holds the
// requests the kernel buffered for it and serves them when continued, after their clients gave
// up: the stream then holds records the producer could not know were stored. Whatever the
// timings, the run ends by itself, its report's categories are what the read-back found, record
// for record, and its exit code says whether records failed (3, --max-failed) or were lost (1).
func TestSIGSTOPEmulatorMidRunVerified(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 30 s of wall time")
	}
	bin := buildBinary(t)
	e := startEmulatorBinary(t, bin, "--stream", "orders:2")
	addr, emu := e.addr, e.cmd
	offlineAWS(t)
	report := filepath.Join(t.TempDir(), "report.json")

	const duration, drain = 20 * time.Second, 30 * time.Second
	run := exec.Command(bin, "run", "--headless", "--endpoint", "http://"+addr, "--region", "us-east-1", "--stream", "orders",
		"--duration", duration.String(), "--rate", "500", "--no-cloudwatch", "--verify", "--report", report, "--progress-every", "1s")
	var out, errOut lockedBuffer
	run.Stdout, run.Stderr = &out, &errOut
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- run.Wait() }()
	exited := false
	defer func() {
		if !exited {
			run.Process.Kill()
			<-ended
		}
	}()

	// The load is under way once progress lines come; then the emulator stops for 10 s.
	eventually.True(t, 30*time.Second, "the run's first progress lines", func() bool { return strings.Count(errOut.String(), " target ") >= 3 })
	if err := emu.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Second) // the fault itself: how long the emulator stays stopped
	if err := emu.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}

	var code int
	select {
	case err := <-ended:
		exited = true
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(duration + drain + 2*time.Minute): // the read-back's time on top
		t.Fatalf("the run did not end\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report (exit %d): %v\nstderr:\n%s", code, err, errOut.String())
	}
	var sum metrics.Summary
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	a, v := sum.Accounting, sum.Verify
	if v == nil {
		t.Fatalf("the report has no read-back (exit %d)\nstderr:\n%s", code, errOut.String())
	}
	t.Logf("exit %d; accounting %+v; read-back %+v", code, a, *v)
	if !a.Holds || a.Pending != 0 || v.Unaccounted != 0 || v.Unknown != 0 {
		t.Errorf("records unaccounted: accounting %+v, read-back unaccounted %d, unknown %d", a, v.Unaccounted, v.Unknown)
	}
	total := func(b metrics.VerifyBucket) int64 { return b.Found + b.NotFound }
	if total(v.Acknowledged) != a.Acknowledged || total(v.MaybeStored) != a.MaybeStored || total(v.NotStored) != a.NotStored || total(v.NeverSent) != a.NeverSent {
		t.Errorf("the report's categories differ from the read-back's: accounting %+v, read-back %+v", a, *v)
	}
	if v.Missing != 0 || v.NotStored.Found+v.NeverSent.Found+v.Refused.Found != 0 || v.DuplicatesUnexplained != 0 {
		t.Errorf("the read-back contradicts the report: missing %d, not stored found %d, never sent found %d, unexplained duplicates %d",
			v.Missing, v.NotStored.Found, v.NeverSent.Found, v.DuplicatesUnexplained)
	}
	if v.StoredMoreThanOnce > a.PossibleDuplicates+a.MaybeStored {
		t.Errorf("%d records stored more than once, more than the %d possible duplicates and %d maybe stored the report warned of",
			v.StoredMoreThanOnce, a.PossibleDuplicates, a.MaybeStored)
	}
	want := 0 // every record acknowledged and found
	switch {
	case a.Acknowledged == 0:
		want = 1 // nothing delivered
	case a.Failed > 0:
		want = 3 // --max-failed 0
	}
	if code != want {
		t.Errorf("exit %d with %d records failed of %d scheduled (%d acknowledged), want %d\nstderr:\n%s", code, a.Failed, a.Scheduled, a.Acknowledged, want, errOut.String())
	}
}
