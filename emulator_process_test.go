package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// emulatorProcess is `shardstorm emulator` run by a test as a user would run it.
type emulatorProcess struct {
	addr  string         // HOST:PORT it serves on
	cmd   *exec.Cmd      // the process (stdout and stderr go to lines)
	lines *bufio.Scanner // its output, after the first line
}

// startEmulatorBinary runs bin's emulator on a free loopback port with args, waits for its first
// line (which must name the endpoint), and stops it when the test ends — continued first, should
// the test have stopped it with SIGSTOP.
func startEmulatorBinary(t *testing.T, bin string, args ...string) *emulatorProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, append([]string{"emulator", "--addr", addr}, args...)...)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		cmd.Process.Kill()
		cmd.Wait()
		pr.Close()
	})
	lines := bufio.NewScanner(pr)
	if !lines.Scan() || !strings.Contains(lines.Text(), "://"+addr) {
		t.Fatalf("the emulator's first line %q does not name its endpoint %s", lines.Text(), addr)
	}
	return &emulatorProcess{addr: addr, cmd: cmd, lines: lines}
}

// offlineAWS gives the SDK's configuration chain credentials and nothing else from this machine
// (no config or credentials files), as a clean CI machine has.
func offlineAWS(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}
