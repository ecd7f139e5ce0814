package cli

import (
	"os"
	"strings"
	"testing"
)

// TestMain lets a test run the command line as a program: the bash completion test calls this
// test binary as `shardstorm` (the completion script runs `shardstorm __complete ...`).
func TestMain(m *testing.M) {
	if os.Getenv("SHARDSTORM_CLI_TEST_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runMain calls Main and returns the exit code, stdout and stderr.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Go-style single-dash long flags, which the flag package took, still work; a value that
// starts with a dash is left alone.
func TestSingleDashLongFlags(t *testing.T) {
	clearEnv(t)
	v, src, _ := printed(t, "-rate", "123", "-headless", "-stream", "-x", "-max-throttled=2%")
	for k, want := range map[string]string{"rate": "123", "headless": "true", "stream": "-x", "max-throttled": "2%"} {
		if v[k] != want || src[k] != "command line" {
			t.Errorf("%s = %q from %q, want %q from the command line", k, v[k], src[k], want)
		}
	}
	if code, _, errOut := runMain(t, "emulator", "-adr", "127.0.0.1:0"); code != exitUsage || !strings.Contains(errOut, "(did you mean --addr?)") {
		t.Errorf("emulator -adr: exit %d\n%s", code, errOut)
	}
}

// Help is asked for, not an error: exit 0, with the commands and run's flags.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"run", "-h"}, {"config", "print", "--help"}} {
		code, out, errOut := runMain(t, args...)
		if code != 0 || !strings.Contains(out+errOut, "--rate-limit PERCENT") {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if _, out, _ := runMain(t, "--help"); !strings.Contains(out, "scenarios") || !strings.Contains(out, "completion") {
		t.Errorf("root help lacks the commands:\n%s", out)
	}
	if code, _, errOut := runMain(t, "scenarioz"); code != exitUsage || !strings.Contains(errOut, `unknown command "scenarioz" (did you mean scenarios?)`) {
		t.Errorf("scenarioz: exit %d\n%s", code, errOut)
	}
}
