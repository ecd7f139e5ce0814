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
