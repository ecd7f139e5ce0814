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
	"syscall"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
)

// The dashboard at its edges (issue 18), as a person meets them in a terminal of each size,
// with and without colour.

// terminalCase is one terminal: its size and whether NO_COLOR is set.
type terminalCase struct {
	w, h    int
	noColor bool
}

func (c terminalCase) String() string {
	colour := "colour"
	if c.noColor {
		colour = "NO_COLOR"
	}
	return fmt.Sprintf("%dx%d_%s", c.w, c.h, colour)
}

// env is the shell prefix of the case's environment.
func (c terminalCase) env() string {
	if c.noColor {
		return "NO_COLOR=1 "
	}
	return ""
}

var everyTerminal = []terminalCase{{80, 24, true}, {80, 24, false}, {120, 40, true}, {120, 40, false}, {250, 70, true}, {250, 70, false}}

// q shows the drain screen within a second of the dashboard's time — records left, the rate, the time left, "q again
// to abandon" — where the terminal was once blank for the whole drain; q again abandons it and
// the summary follows. The load is five times the stream's capacity, so a backlog waits when q
// is pressed and the drain is long enough to be seen (and busy enough to show that the screen
// is not held up by it).
func TestDrainScreenWithinASecondOfQ(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range everyTerminal {
		t.Run(c.String(), func(t *testing.T) {
			term := newTerminal(t, c.w, c.h, fmt.Sprintf("%s%q --no-cloudwatch --rate 30000 --max-failed 1000000000", c.env(), bin))
			term.waitFor("the dashboard to start", 30*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
			// Four seconds at five times the capacity leave a backlog of tens of thousands.
			term.waitFor("a backlog to build", 60*time.Second, func(s string) bool { return elapsedSeconds(s) >= 4 })
			atQ := elapsedSeconds(term.screen())
			term.send("q")
			// Measured on the dashboard's own clock, the elapsed time in its header: it must not
			// draw the running dashboard a second past q. On a quiet machine that is within a
			// second of wall-clock time too (logged); on a starved one (CI's parallel race tests
			// left the binary a tenth of a core) the process may not run for a second, and the
			// wall clock alone would measure the machine. A dashboard that never shows the drain
			// keeps drawing, its elapsed passes atQ+2, and the test fails; one that hangs fails
			// the 30 s bound.
			var screen string
			took := eventually.NilEvery(t, 30*time.Second, 50*time.Millisecond, "the drain screen after q", func() error {
				screen = term.screen()
				for _, want := range []string{"draining", "records left", "drain rate", "time left", "q again to abandon"} {
					if !strings.Contains(screen, want) {
						if e := elapsedSeconds(screen); e >= atQ+2 {
							t.Fatalf("the running dashboard was still drawn %d s (its own clock) after q: no %q; screen:\n%s", e-atQ, want, screen)
						}
						return fmt.Errorf("no %q; screen:\n%s", want, screen)
					}
				}
				return nil
			})
			t.Logf("the drain screen %v after q (wall clock, one screen capture's resolution)", took.Round(10*time.Millisecond))
			term.send("q")
			final := term.waitExit(60 * time.Second)
			for _, want := range []string{"drain abandoned", "shardstorm run on shardstorm-demo", "accounting"} {
				if !strings.Contains(final, want) {
					t.Fatalf("after q again, no %q; screen:\n%s", want, final)
				}
			}
		})
	}
}

// `shardstorm > out.txt` draws the dashboard on the terminal (the controlling terminal, not
// stdout) and out.txt holds the summary alone, no screen escapes; `--duration 5s` ends in
// "finished", the dashboard staying up for reading, elapsed stopped, until q.
func TestRedirectedRunDrawsOnTheTerminalAndFinishes(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range []terminalCase{{80, 24, false}, {120, 40, true}, {250, 70, false}} {
		t.Run(c.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.txt")
			term := newTerminal(t, c.w, c.h, fmt.Sprintf("%s%q --no-cloudwatch --rate 500 --duration 5s > %q", c.env(), bin, out))
			term.waitFor("the dashboard on the terminal", 30*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
			finished := term.waitFor("the header to say finished", 30*time.Second, func(s string) bool { return strings.Contains(s, "■ finished") })
			if strings.Contains(finished, "▸ running") {
				t.Fatalf("finished and running at once:\n%s", finished)
			}
			// + has no load left to change, and says so.
			term.send("+")
			term.waitFor("+ to say the run finished", 10*time.Second, func(s string) bool { return strings.Contains(s, "no load to change") })
			term.send("q")
			term.waitExit(60 * time.Second)
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got := string(raw)
			if !strings.HasPrefix(got, "shardstorm run on shardstorm-demo") || !strings.Contains(got, "accounting") || strings.Contains(got, "\x1b") {
				t.Fatalf("out.txt is not the summary alone:\n%q", got)
			}
		})
	}
}

// With no terminal at all — a new session (no controlling terminal), stdin and stdout not
// terminals — the run goes headless and says so in one line; TERM=dumb (no cursor addressing)
// in a real terminal does the same.
func TestNoTerminalRunsHeadless(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "--no-cloudwatch", "--rate", "300", "--duration", "2s")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	if n := strings.Count(stderr.String(), "no terminal"); n != 1 || !strings.Contains(stderr.String(), "running headless") {
		t.Fatalf("stderr says %d times that there is no terminal:\n%s", n, stderr.String())
	}
	if out := stdout.String(); !strings.HasPrefix(out, "shardstorm run on shardstorm-demo") || strings.Contains(out, "\x1b") {
		t.Fatalf("stdout is not the summary:\n%q", out)
	}

	term := newTerminal(t, 120, 40, fmt.Sprintf("TERM=dumb %q --no-cloudwatch --rate 300 --duration 2s --progress-every 500ms", bin))
	final := term.waitExit(60 * time.Second)
	for _, want := range []string{"TERM=dumb", "running headless", "target", "shardstorm run on shardstorm-demo"} {
		if !strings.Contains(final, want) {
			t.Fatalf("TERM=dumb: no %q; screen:\n%s", want, final)
		}
	}
	if strings.Contains(final, "q quit") {
		t.Fatalf("TERM=dumb drew the dashboard:\n%s", final)
	}
}

// elapsedSeconds reads the header's elapsed time in seconds (0 before it shows).
func elapsedSeconds(screen string) int {
	m := regexp.MustCompile(`elapsed (?:(\d+)m)?(\d+)s`).FindStringSubmatch(screen)
	if m == nil {
		return 0
	}
	mins, _ := strconv.Atoi(m[1])
	secs, _ := strconv.Atoi(m[2])
	return 60*mins + secs
}
