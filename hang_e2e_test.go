package main

import (
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// blackHole listens on loopback and accepts every connection without ever answering: a server
// that is up but hung. It holds the connections until the test ends.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// A headless run against an endpoint that accepts connections and never answers ends by itself
// (it ran forever, printing nothing), says on stderr what it is waiting for while it waits, and
// fails naming the endpoint and the call.
func TestBlackHoleEndpointEndsNamingTheCall(t *testing.T) {
	bin := buildBinary(t)
	endpoint := blackHole(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	const duration, drain = 2 * time.Second, 30 * time.Second
	start := time.Now()
	code, out, errOut := runBinaryWithin(t, duration+drain+30*time.Second, bin, "run", "--headless", "--endpoint", endpoint, "--region", "us-east-1",
		"--stream", "s", "--duration", "2s", "--request-timeout", "1s")
	took := time.Since(start)
	if code == 0 {
		t.Errorf("exit 0 against an endpoint that never answers\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "waiting for ") || !strings.Contains(errOut, endpoint) {
		t.Errorf("stderr does not say what the run waits for, at %s:\n%s", endpoint, errOut)
	}
	if !strings.Contains(errOut, "no answer") || !strings.Contains(errOut, "DescribeStreamSummary") {
		t.Errorf("the error does not name the call that got no answer:\n%s", errOut)
	}
	t.Logf("exit %d after %v; stderr:\n%s", code, took.Round(100*time.Millisecond), errOut)
}

// runBinaryWithin runs the built binary like runBinary, but kills it and fails the test if it
// has not ended within limit: a run that hangs must fail the test, not the test run.
func runBinaryWithin(t *testing.T, limit time.Duration, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- cmd.Wait() }()
	select {
	case err := <-ended:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String(), errOut.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, out.String(), errOut.String()
	case <-time.After(limit):
		cmd.Process.Kill()
		<-ended
		t.Fatalf("still running after %v: %s\nstdout:\n%s\nstderr:\n%s", limit, strings.Join(args, " "), out.String(), errOut.String())
		return 0, "", ""
	}
}

// A request timeout no request can meet (1ns) delivers nothing: the run ends by itself after
// the duration and the drain, keeps printing progress lines through the drain (it fell silent
// for 30 s), and exits non-zero saying nothing was delivered (it exited 0 with 0 of 600).
func TestNothingDeliveredFailsAndTheDrainShowsProgress(t *testing.T) {
	bin := buildBinary(t)
	code, out, errOut := runBinaryWithin(t, 2*time.Second+3*time.Second+30*time.Second, bin, "run", "--headless", "--duration", "2s", "--rate", "300",
		"--request-timeout", "1ns", "--record-ttl", "3s", "--progress-every", "1s")
	if code != 1 || !strings.Contains(errOut, "no record was delivered: 0 of ") {
		t.Errorf("exit %d, want 1 saying no record was delivered\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// The load ends at 2 s; the drain (records expire 3 s after they were offered) must show.
	var afterLoad bool
	for _, line := range strings.Split(errOut, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && f[1] == "target" {
			if d, err := time.ParseDuration(f[0]); err == nil && d >= 3*time.Second {
				afterLoad = true
			}
		}
	}
	if !afterLoad {
		t.Errorf("no progress line after the load's 2 s (during the drain):\n%s", errOut)
	}
}
