package cli

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
)

// `shardstorm control` against a real run's control API (the embedded emulator in process,
// the API on a loopback socket): it shows the settings, changes them, and a refusal exits 2
// naming the command's flag in the run's words, or 1 when the run cannot take the control.
func TestControlCommandDrivesARun(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	opts, err := RunOptions([]string{"--rate", "500", "--shards", "1", "--no-cloudwatch"})
	if err != nil {
		t.Fatal(err)
	}
	opts.InProcess = true
	run, err := app.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		run.Stop(stopCtx, nil)
	}()
	srv := httptest.NewServer(run.ControlHandler(nil))
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	code, out, errOut := runMain(t, "control", addr)
	if code != 0 || !strings.Contains(out, "rate        500/s") || !strings.Contains(out, "rate-limit  150%") || !strings.Contains(out, "load        running") {
		t.Errorf("control ADDR: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runMain(t, "control", "http://"+addr, "--rate", "800", "--keys", "pool:10", "--rate-limit", "120", "--pause")
	if code != 0 || !strings.Contains(out, "rate        paused (constant:800)") || !strings.Contains(out, "keys        pool:10") ||
		!strings.Contains(out, "rate-limit  120%") || !strings.Contains(out, "load        paused") {
		t.Errorf("control --rate 800 --keys pool:10 --rate-limit 120 --pause: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut = runMain(t, "control", addr, "--resume"); code != 0 || !strings.Contains(out, "rate        800/s") {
		t.Errorf("control --resume: exit %d\n%s%s", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, "shardstorm control: --rate 0: want more than 0 records/s"},
		{[]string{"--rate-limit", "abc"}, "shardstorm control: --rate-limit abc: want a number"},
		{[]string{"--pause", "--resume"}, "shardstorm control: --pause and --resume: choose one"},
	} {
		code, _, errOut := runMain(t, append([]string{"control", addr}, tc.args...)...)
		if code != exitUsage || !strings.HasPrefix(errOut, tc.want) {
			t.Errorf("control %q: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errOut)
		}
	}
	if code, _, errOut := runMain(t, "control"); code != exitUsage || !strings.Contains(errOut, "want one ADDR") {
		t.Errorf("control without ADDR: exit %d\n%s", code, errOut)
	}

	// Nobody listening: exit 1, saying where it looked.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if code, _, errOut := runMain(t, "control", closed); code != exitError || !strings.Contains(errOut, "is a run serving --metrics-addr there?") {
		t.Errorf("control of nothing: exit %d\n%s", code, errOut)
	}
}

// A fleet has no RateLimit: the run's 409 exits 1 with its words.
func TestControlCommandRefusedByAFleet(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	opts, err := RunOptions([]string{"--rate", "200", "--shards", "1", "--no-cloudwatch", "--producer", "putrecords", "--clients", "2"})
	if err != nil {
		t.Fatal(err)
	}
	opts.InProcess = true
	run, err := app.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		run.Stop(stopCtx, nil)
	}()
	srv := httptest.NewServer(run.ControlHandler(nil))
	defer srv.Close()
	code, _, errOut := runMain(t, "control", srv.Listener.Addr().String(), "--rate-limit", "120")
	if code != exitError || !strings.Contains(errOut, "--rate-limit 120: not for --producer putrecords") {
		t.Errorf("control --rate-limit on a fleet: exit %d\n%s", code, errOut)
	}
	code, out, _ := runMain(t, "control", srv.Listener.Addr().String())
	if code != 0 || !strings.Contains(out, "rate-limit  — (not for --producer putrecords") || !strings.Contains(out, "producer putrecords × 2 clients") {
		t.Errorf("control ADDR on a fleet: exit %d\n%s", code, out)
	}
}
