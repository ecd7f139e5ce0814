package cli

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// Where the dashboard draws: on the controlling terminal when stdout is not one (a file), and
// nowhere — headless, saying why — with no terminal at all or TERM=dumb.
func TestDashboardTerminal(t *testing.T) {
	env := func(term string) func(string) string {
		return func(k string) string {
			if k == "TERM" {
				return term
			}
			return ""
		}
	}
	noTTY := func() (*os.File, error) { return nil, errors.New("open /dev/tty: no such device or address") }
	tty, err := os.CreateTemp(t.TempDir(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	aTTY := func() (*os.File, error) { return tty, nil }
	var file bytes.Buffer // stdout redirected: not a terminal

	if got, why := dashboardTerminal(&file, env("xterm-256color"), aTTY); why != nil || got != tty {
		t.Fatalf("stdout to a file with a controlling terminal: draws on %v (%v), want the terminal", got, why)
	}
	if got, why := dashboardTerminal(&file, env("xterm-256color"), noTTY); got != nil || why == nil || !strings.Contains(why.Error(), "no terminal") || !strings.Contains(why.Error(), "headless") {
		t.Fatalf("no terminal at all: %v, %v; want headless, saying so", got, why)
	}
	if got, why := dashboardTerminal(&file, env("dumb"), aTTY); got != nil || why == nil || !strings.Contains(why.Error(), "TERM=dumb") {
		t.Fatalf("TERM=dumb: %v, %v; want headless, saying so", got, why)
	}
	if why := func() error { _, why := dashboardTerminal(&file, env("dumb"), aTTY); return why }(); strings.Count(why.Error(), "\n") != 0 {
		t.Fatalf("the headless notice is more than one line: %q", why)
	}
}
