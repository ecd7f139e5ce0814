package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
)

// servingLine is the line a run with --metrics-addr prints at the start: where it serves.
var servingLine = regexp.MustCompile(`serving http://(\S+)/metrics and the control API at http://\S+/control`)

// progressRates reads the target and put rates of the progress lines in text, in order.
var progressRates = regexp.MustCompile(`(?m)^\s*\d+s\s+target (\S+)/s\s+put (\S+)/s`)

// The control API as a fleet's operator uses it: a headless run on the embedded emulator,
// its listener on a free loopback port (printed at the start), is told to change its rate
// with one PATCH; the progress lines follow to the new target and the records put rise past
// the old one, and the run prints the change among its progress lines.
func TestControlAPIChangesTheRateOfAHeadlessRun(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "run", "--headless", "--rate", "1000", "--progress-every", "1s", "--metrics-addr", "127.0.0.1:0")
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	// Generous deadlines: a busy 2-core machine starts the emulator and the load slowly.
	var addr string
	eventually.True(t, time.Minute, "the serving line", func() bool {
		m := servingLine.FindStringSubmatch(errOut.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	})
	linesAt := func(from int) [][2]float64 {
		var rates [][2]float64
		for _, m := range progressRates.FindAllStringSubmatch(errOut.String()[from:], -1) {
			target, _ := strconv.ParseFloat(m[1], 64)
			put, _ := strconv.ParseFloat(m[2], 64)
			rates = append(rates, [2]float64{target, put})
		}
		return rates
	}
	eventually.True(t, time.Minute, "a progress line at the target of --rate 1000", func() bool {
		r := linesAt(0)
		return len(r) > 0 && r[len(r)-1][0] == 1000
	})

	req, err := http.NewRequest(http.MethodPatch, "http://"+addr+"/control", strings.NewReader(`{"rate": 3000}`))
	if err != nil {
		t.Fatal(err)
	}
	before := len(errOut.String())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Rate float64 `json:"rate"`
		Load string  `json:"load"`
	}
	err = json.NewDecoder(resp.Body).Decode(&state)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || state.Rate != 3000 || state.Load != "running" {
		t.Fatalf("PATCH /control: %d %+v %v", resp.StatusCode, state, err)
	}

	// The progress lines follow: the target moves to 3000 and stays there, and the records put
	// rise past the old target (the emulator's 4 shards take 4000 records/s).
	eventually.True(t, 2*time.Minute, "progress lines at the new target, putting more than the old one", func() bool {
		r := linesAt(before)
		return len(r) > 0 && r[len(r)-1][0] == 3000 && r[len(r)-1][1] > 1500
	})
	// Once there, it stays: no line after the first at 3000 shows another target (the lines
	// printed while the PATCH was in flight may still show the last sample's 1000).
	reached := false
	for _, r := range linesAt(before) {
		if reached && r[0] != 3000 {
			t.Errorf("a progress line after the change has target %v/s:\n%s", r[0], errOut.String()[before:])
		}
		reached = reached || r[0] == 3000
	}
	if !regexp.MustCompile(`control API from 127\.0\.0\.1:\d+: rate 1000 → 3000`).MatchString(errOut.String()) {
		t.Errorf("the change is not among the progress lines:\n%s", errOut.String())
	}

	// `shardstorm control` reads the settings back, and a bad value exits 2 naming its flag
	// in the run's words, changing nothing.
	if code, stdout, stderr := runBinary(t, bin, "control", addr); code != 0 || !strings.Contains(stdout, "rate        3000/s") {
		t.Errorf("shardstorm control ADDR: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runBinary(t, bin, "control", addr, "--rate", "0"); code != 2 || !strings.Contains(stderr, "--rate 0: want more than 0 records/s") {
		t.Errorf("shardstorm control ADDR --rate 0: exit %d\n%s", code, stderr)
	}

	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v\nstderr:\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), ": holds") {
		t.Errorf("want a summary whose accounting holds:\n%s", out.String())
	}
}

// Beyond loopback the control API is off unless asked for, and the run says so at the start.
func TestControlAPIOffBeyondLoopback(t *testing.T) {
	bin := buildBinary(t)
	code, _, errOut := runBinary(t, bin, "run", "--headless", "--duration", "1s", "--rate", "200", "--metrics-addr", "0.0.0.0:0")
	if code != 0 || !strings.Contains(errOut, "the control API (/control) is off") || !strings.Contains(errOut, "--allow-remote-control") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}
