//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
)

// terminal runs one shell command in a real terminal — a private tmux server, so nothing is
// shared with the user's tmux — for tests that use shardstorm as a person would: type keys, read
// the screen. The command's exit status is printed after it ("shardstorm-exit=N") where the
// screen shows it.
type terminal struct {
	t             *testing.T
	sock, session string
}

var terminals atomic.Int32

// newTerminal starts shellCmd in a width×height terminal. Without tmux the test is skipped,
// except under CI=true where it fails (.ci/run installs tmux).
func newTerminal(t *testing.T, width, height int, shellCmd string) *terminal {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	tm := &terminal{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock"),
		session: fmt.Sprintf("shardstorm-%d-%d", os.Getpid(), terminals.Add(1))}
	// A person's terminal: colour-capable, and not CI (termenv takes CI=true, which .ci/run
	// sets, to mean no terminal, and would draw without colour).
	shell := "unset CI; TERM=xterm-256color " + shellCmd + "; echo shardstorm-exit=$?"
	if out, err := tm.tmux("new-session", "-d", "-s", tm.session, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "sh", "-c", shell); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { tm.tmux("kill-server") })
	if out, err := tm.tmux("set-option", "-t", tm.session, "remain-on-exit", "on"); err != nil {
		t.Fatalf("remain-on-exit: %v\n%s", err, out)
	}
	return tm
}

func (tm *terminal) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-S", tm.sock}, args...)...).CombinedOutput()
	return string(out), err
}

// send types keys (tmux key names).
func (tm *terminal) send(keys ...string) {
	tm.tmux(append([]string{"send-keys", "-t", tm.session}, keys...)...)
}

// screen is the visible screen plus some scrollback: what a person would scroll to read.
func (tm *terminal) screen() string {
	out, _ := tm.tmux("capture-pane", "-p", "-S", "-60", "-t", tm.session)
	return out
}

// waitFor polls the screen until ok holds, failing the test after within.
func (tm *terminal) waitFor(what string, within time.Duration, ok func(string) bool) string {
	tm.t.Helper()
	var s string
	eventually.NilEvery(tm.t, within, 200*time.Millisecond, what, func() error {
		if s = tm.screen(); ok(s) {
			return nil
		}
		return fmt.Errorf("screen:\n%s", s)
	})
	return s
}

// waitExit waits for the command to end and fails the test unless it exited 0; it returns the
// final screen.
func (tm *terminal) waitExit(within time.Duration) string {
	tm.t.Helper()
	final := tm.waitFor("the program to exit", within, func(s string) bool { return strings.Contains(s, "shardstorm-exit=") })
	if !strings.Contains(final, "shardstorm-exit=0") {
		tm.t.Fatalf("non-zero exit; screen:\n%s", final)
	}
	return final
}

// shardRow matches a row of the Shards view: shard number, hash-range share, records % and
// KiB % of the limit, then the rest.
var shardRow = regexp.MustCompile(`^\W*(\d+)\s+(\d+)%\s+([\d.]+)%\s+([\d.]+)%`)

// shardRowsAtLeast counts the rows of the Shards view whose KiB % is at least minKiB.
func shardRowsAtLeast(screen string, minKiB float64) int {
	rows := 0
	for _, line := range strings.Split(screen, "\n") {
		if m := shardRow.FindStringSubmatch(line); m != nil {
			if kib, _ := strconv.ParseFloat(m[4], 64); kib >= minKiB && kib > 0 {
				rows++
			}
		}
	}
	return rows
}
