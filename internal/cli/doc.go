// Package cli is shardstorm's command line: one command per file (run, emulator, watch,
// control, scenarios, config print, version, completion) on spf13/cobra and spf13/pflag, as gh and
// soft-serve lay theirs out. The root main.go only calls Main.
//
// The settings of a run are internal/app's knob table (app.RunKnobs): each knob is a flag here
// (knob_flags.go), a key of a --config file and a SHARDSTORM_<NAME> variable (layers.go), a
// line of `config print` (config.go) and, when live, a row of the dashboard's Settings view. The
// layers, each overriding the one before: the defaults, --scenario, --config FILE, the
// environment, the command line. watch's flags are the table's stream and backend knobs
// (app.WatchKnobs) and the emulator's its own (emulator.go); no layer applies to either.
//
// What users and scripts rely on is kept from the flag-package era: exit codes (0; 1 a failure;
// 2 a bad flag or value, named; 3 a missed threshold; 130 a second Ctrl-C), the flag package's
// error wording with "did you mean" for a misspelt flag (suggest.go), single-dash long flags
// (-rate 100), and `shardstorm` with no command (or only flags) meaning `shardstorm run`.
// Completion scripts for bash, zsh, fish and PowerShell come from cobra and complete commands,
// flags and scenario names with descriptions.
package cli
