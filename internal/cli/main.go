package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes (documented in the README).
const (
	exitOK        = 0
	exitError     = 1 // the run could not start or failed
	exitUsage     = 2 // a bad flag or value
	exitThreshold = 3 // the run finished but a --max-*/--min-* threshold failed
	exitForced    = 130
)

// usageError marks an error in the command line itself (exit code 2).
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// thresholdError is a run that finished but missed a threshold (exit code 3).
type thresholdError struct{ failed []string }

func (e thresholdError) Error() string { return "thresholds failed: " + strings.Join(e.failed, "; ") }

// Main runs the command line args (without the program name) and returns the exit code: 0, 1
// for a failure, 2 for bad usage, 3 for a missed threshold (130, a second Ctrl-C, exits at once).
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(normaliseDashes(root, args))
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	name := "shardstorm " + topCommand(cmd)
	switch {
	case strings.HasPrefix(err.Error(), "unknown command"):
		fmt.Fprintf(stderr, "shardstorm: %v\n\n", err)
		fmt.Fprint(stderr, root.UsageString())
		return exitUsage
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitUsage
	case errors.As(err, new(thresholdError)):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitThreshold
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitError
	}
}

// newRoot builds the command tree. The root is also `run`: the main job, the dashboard on the
// embedded emulator, needs no command (`shardstorm`, `shardstorm --headless ...`).
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := newRunCommand("shardstorm [command]")
	root.Short = "A load tester and live dashboard for Amazon Kinesis Data Streams producers"
	root.Long = "shardstorm: a load tester and live dashboard for Amazon Kinesis Data Streams producers.\n\n" +
		"With no command it runs `shardstorm run`: " + runLong
	root.SilenceErrors, root.SilenceUsage = true, true
	root.CompletionOptions.DisableDefaultCmd = true // completion.go has ours, with its usage errors
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{flagError(c, err)} })
	root.AddCommand(newRunCommand("run"), newEmulatorCommand(), newWatchCommand(), newScenariosCommand(),
		newConfigCommand(), newVersionCommand(), newCompletionCommand())
	return root
}

// topCommand names the command the error came from: a child of the root, or run for the root.
func topCommand(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return "run"
	}
	for cmd.Parent().HasParent() {
		cmd = cmd.Parent()
	}
	return cmd.Name()
}

// noArgs refuses positional arguments as a usage error (exit 2).
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", args)}
	}
	return nil
}

// normaliseDashes rewrites Go-style single-dash long flags (-rate 100, -headless), which the
// flag package took, to the double dash pflag wants. Only names some command defines are
// rewritten, and nothing after "--", so a value such as -5 or a stream named -x is left alone.
func normaliseDashes(root *cobra.Command, args []string) []string {
	known := map[string]bool{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { known[f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "--" {
			copy(out[i:], args[i:])
			break
		}
		name, _, _ := strings.Cut(a, "=")
		if len(name) > 2 && name[0] == '-' && name[1] != '-' && known[name[1:]] {
			out[i] = "-" + a
		}
	}
	return out
}
