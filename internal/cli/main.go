package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes (documented in the README).
const (
	exitOK        = 0
	exitError     = 1   // the run could not start or failed
	exitUsage     = 2   // a bad flag or value
	exitThreshold = 3   // the run finished but a --max-*/--min-* threshold failed
	exitForced    = 130 // a second Ctrl-C, or one before the load started
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
	case errors.As(err, new(commandError)):
		fmt.Fprintf(stderr, "shardstorm: %v\n\n", err)
		fmt.Fprint(stderr, root.UsageString())
		return exitUsage
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitUsage
	case errors.As(err, new(interruptedError)):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitForced
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
	root.Args = unknownCommand
	root.SuggestionsMinimumDistance = 2
	root.SilenceErrors, root.SilenceUsage = true, true
	root.CompletionOptions.DisableDefaultCmd = true // completion.go has ours, with its usage errors
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{flagError(c, err)} })
	root.AddCommand(newRunCommand("run"), newEmulatorCommand(), newWatchCommand(), newControlCommand(), newScenariosCommand(),
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

// commandError is an unknown command (exit code 2, with the list of commands).
type commandError struct{ error }

// unknownCommand refuses a word after `shardstorm` that names no command, suggesting the
// closest (cobra's suggestions: edit distance and prefixes).
func unknownCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := ""
	if s := root.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return commandError{fmt.Errorf("unknown command %q%s", args[0], hint)}
}

// noArgs refuses positional arguments as a usage error (exit 2).
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", args)}
	}
	return nil
}

// normaliseDashes rewrites Go-style single-dash long flags (-rate 100, -headless), which the
// flag package took, to the double dash pflag wants (pflag would read -rate as -r -a -t -e).
// A value is left alone: the word after a flag that takes one (--stream -x), a number (-5),
// and everything after "--". Only -h is a shorthand.
func normaliseDashes(root *cobra.Command, args []string) []string {
	flags := map[string]*pflag.Flag{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = f })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := slices.Clone(args)
	takesValue := false // the previous word was a flag that takes the next word as its value
	for i, a := range args {
		if a == "--" {
			break
		}
		isValue := takesValue
		takesValue = false
		if isValue || !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if len(name) > 1 && a[1] != '-' && unicode.IsLetter(rune(name[0])) {
			out[i] = "-" + a
		}
		if f, ok := flags[name]; ok && !hasValue && f.NoOptDefVal == "" {
			takesValue = true
		}
	}
	return out
}
