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
	"testing"
	"time"
)

// TestDashboardInTmux runs the built binary as a person would — `shardstorm` with no arguments,
// in a real terminal (tmux, 120×40) against the embedded emulator — and reads the screen: the
// shard table fills with non-zero figures, `+` raises the target rate shown in the header, and
// `q` exits 0 leaving the run's summary on the terminal.
func TestDashboardInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	bin := filepath.Join(t.TempDir(), "shardstorm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock") // a private server: nothing shared with the user's tmux
	session := fmt.Sprintf("shardstorm-e2e-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	// sh prints the exit status after the program, where capture-pane can read it.
	shell := fmt.Sprintf("TERM=xterm-256color %q; echo shardstorm-exit=$?", bin)
	if out, err := tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "sh", "-c", shell); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { tmux("kill-server") })
	if out, err := tmux("set-option", "-t", session, "remain-on-exit", "on"); err != nil {
		t.Fatalf("remain-on-exit: %v\n%s", err, out)
	}
	// The visible screen plus some scrollback: the summary printed after the dashboard closes may
	// scroll its first line off a busy screen, where a person would scroll to read it.
	screen := func() string {
		out, _ := tmux("capture-pane", "-p", "-S", "-60", "-t", session)
		return out
	}
	waitScreen := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := screen()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// Keys typed before the first frame would be lost: wait for the key hint line.
	waitScreen("the dashboard to start", func(s string) bool { return strings.Contains(s, "q quit") })

	// The Shards view lists the four shards with live, non-zero figures.
	tmux("send-keys", "-t", session, "2")
	// A row: shard number, hash-range share, records % and KiB % of the limit, then the rest.
	row := regexp.MustCompile(`^\W*(\d+)\s+(\d+)%\s+([\d.]+)%\s+([\d.]+)%`)
	waitScreen("the shard table to fill", func(s string) bool {
		rows := 0
		for _, line := range strings.Split(s, "\n") {
			if m := row.FindStringSubmatch(line); m != nil {
				if kib, _ := strconv.ParseFloat(m[4], 64); kib > 0 {
					rows++
				}
			}
		}
		return rows == 4
	})

	// + multiplies the target rate by 1.25: the header shows the new target.
	before := targetRate(t, screen())
	tmux("send-keys", "-t", session, "+")
	waitScreen("the target rate to rise", func(s string) bool { return targetRate(t, s) > before })

	tmux("send-keys", "-t", session, "q")
	final := waitScreen("the program to exit", func(s string) bool { return strings.Contains(s, "shardstorm-exit=") })
	if !strings.Contains(final, "shardstorm-exit=0") {
		t.Fatalf("non-zero exit; screen:\n%s", final)
	}
	for _, want := range []string{"shardstorm run on shardstorm-demo", "delivered", "accounting", "holds"} {
		if !strings.Contains(final, want) {
			t.Fatalf("the summary lacks %q; screen:\n%s", want, final)
		}
	}
}

// targetRate reads the target rate from the header ("target 6000/s" or "target 6.0k/s").
func targetRate(t *testing.T, screen string) float64 {
	m := regexp.MustCompile(`target\s+([0-9.]+)(k?)`).FindStringSubmatch(screen)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "k" {
		v *= 1000
	}
	return v
}
