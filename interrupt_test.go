//go:build unix

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The same signal has the same outcome (issue 14, item 13). SIGINT sent to the dashboard's
// process ends it as the Ctrl-C key does: the drain, the summary, exit 0 (it once exited 1,
// "program was killed").
func TestSIGINTToTheDashboardIsAQuit(t *testing.T) {
	bin := buildBinary(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	term := newTerminal(t, 120, 40, fmt.Sprintf(`sh -c 'echo $$ > %q; exec %q --no-cloudwatch --rate 500'`, pidFile, bin))
	term.waitFor("the dashboard to start", 30*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	final := term.waitExit(30 * time.Second)
	for _, want := range []string{"shardstorm run on shardstorm-demo", "accounting", "holds"} {
		if !strings.Contains(final, want) {
			t.Fatalf("the summary lacks %q; screen:\n%s", want, final)
		}
	}
}

// Ctrl-C while the run is still starting (here: an endpoint that accepts connections and never
// answers) is a user's interruption, exit 130 saying so, not exit 1 "context canceled".
func TestCtrlCDuringASlowStart(t *testing.T) {
	bin := buildBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c // held open, never answered
		}
	}()
	cmd := exec.Command(bin, "run", "--headless", "--no-cloudwatch", "--endpoint", "http://"+ln.Addr().String(), "--region", "us-east-1", "--stream", "s")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "AWS_EC2_METADATA_DISABLED=true")
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-accepted: // the run is waiting for its first answer
		defer c.Close()
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the run never called the endpoint\n%s", errOut.String())
	}
	cmd.Process.Signal(os.Interrupt)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the run did not end after Ctrl-C\n%s", errOut.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(errOut.String(), "interrupted while starting") ||
		strings.Contains(errOut.String(), "context canceled") {
		t.Fatalf("after Ctrl-C during the start: %v, want exit 130 saying it was interrupted\nstderr:\n%s", err, errOut.String())
	}
}
