// Command shardstorm is a load tester and live dashboard for Amazon Kinesis Data Streams
// producers, with an embedded emulator of Kinesis and its CloudWatch metrics.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand: its name, a one-line summary, and what runs it.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

// commands is set in init: completion lists the commands themselves.
var commands []command

func init() {
	commands = []command{
		{"run", "the dashboard on the embedded emulator (the default with no command); --headless for CI", runCommand},
		{"emulator", "serve the Kinesis + CloudWatch emulator for other tools (AWS_ENDPOINT_URL_KINESIS)", runEmulator},
		{"watch", "the dashboard for a stream loaded by others, from CloudWatch (--endpoint or AWS); sends no load", runWatch},
		{"scenarios", "list the presets of run --scenario NAME", runScenarios},
		{"config", "config print [run flags]: the effective settings (defaults, scenario, --config, SHARDSTORM_*, flags)", runConfig},
		{"version", "the version, Go version and VCS revision", runVersion},
		{"completion", "completion bash|zsh|fish: a shell completion script for the commands and their flags", runCompletion},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and turns its error into an exit code: 2 for bad usage, 1 for
// anything else.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		usage(stderr)
		return 0
	}
	// The main job, the dashboard on the embedded emulator, needs no command: `shardstorm` and
	// `shardstorm --report r.json` mean `shardstorm run ...`.
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"run"}, args...)
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(args[1:], stdout, stderr)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, new(usageError)):
				fmt.Fprintf(stderr, "shardstorm %s: %v\n", c.name, suggestForCommand(c.name, err))
				return exitUsage
			case errors.As(err, new(thresholdError)):
				fmt.Fprintf(stderr, "shardstorm %s: %v\n", c.name, err)
				return exitThreshold
			default:
				fmt.Fprintf(stderr, "shardstorm %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "shardstorm: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "shardstorm: a load tester and live dashboard for Amazon Kinesis Data Streams producers.")
	fmt.Fprintln(w, "\nUsage: shardstorm [COMMAND] [flags]   (shardstorm COMMAND -h for its flags; no command: run)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// usageError marks an error in the command line itself (exit code 2).
type usageError struct{ error }
