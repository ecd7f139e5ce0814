package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/shardstorm/shardstorm/internal/app"
)

// Run settings come in layers, each overriding the one before: the flags' defaults, a --scenario
// preset, a --config file (YAML, keys are flag names), the environment (SHARDSTORM_RATE_LIMIT for
// --rate-limit) and the command line. The scenario and config file may also be named by
// SHARDSTORM_SCENARIO and SHARDSTORM_CONFIG, and the scenario by the file's "scenario" key.

// The knobs (app.RunKnobs) name the flags, keys and variables; --config and --scenario choose
// the layers rather than set a value.

// configSetting is one key of a config file.
type configSetting struct {
	key, value string
	line       int
}

// layers applies the scenario, config file and environment to the flags fs holds after the
// command line was parsed, and records where each value came from.
type layers struct {
	file, scenario string
	source         map[string]string // flag name → "scenario NAME", "config FILE:LINE", "env VAR", "command line"
}

// applyLayers sets, through fs, every knob the command line did not give from the scenario, the
// config file and the environment, in that order. configFile and scenarioName are the --config
// and --scenario values ("" if not given). Errors are usageErrors naming the file and line, the
// variable or the scenario.
func applyLayers(fs *pflag.FlagSet, configFile, scenarioName string) (*layers, error) {
	l := &layers{file: configFile, scenario: scenarioName, source: map[string]string{}}
	fs.Visit(func(f *pflag.Flag) { l.source[f.Name] = "command line" })
	if l.file == "" {
		l.file = os.Getenv(app.EnvName("config"))
	}
	var settings []configSetting
	if l.file != "" {
		var err error
		if settings, err = readConfigFile(l.file); err != nil {
			return nil, usageError{err}
		}
	}
	if l.scenario == "" {
		l.scenario = os.Getenv(app.EnvName("scenario"))
	}
	if l.scenario == "" {
		for _, s := range settings {
			if s.key == "scenario" {
				l.scenario = s.value
			}
		}
	}
	// set applies one value; where prefixes its error, source is recorded for config print.
	set := func(name, value, where, source string) error {
		if _, knob := app.FindKnob(name); !knob || l.source[name] == "command line" {
			return nil
		}
		if value == "" && fs.Lookup(name).DefValue == "" {
			return nil // empty, as config print shows an unset --report: the default
		}
		if err := fs.Set(name, value); err != nil {
			return fmt.Errorf("%s: invalid value %q for --%s: %w", where, value, name, err)
		}
		l.source[name] = source
		return nil
	}
	if l.scenario != "" {
		sc, err := findScenario(l.scenario)
		if err != nil {
			return nil, usageError{err}
		}
		for _, f := range sc.flags {
			if err := set(f[0], f[1], "scenario "+sc.name, "scenario "+sc.name); err != nil {
				return nil, usageError{err}
			}
		}
	}
	for _, s := range settings {
		if err := set(s.key, s.value, fmt.Sprintf("%s:%d: %s", l.file, s.line, s.key), fmt.Sprintf("config %s:%d", l.file, s.line)); err != nil {
			return nil, usageError{err}
		}
	}
	var errs []error
	for _, k := range app.RunKnobs() {
		if v, ok := os.LookupEnv(app.EnvName(k.Name)); ok && v != "" {
			errs = append(errs, set(k.Name, v, "environment "+app.EnvName(k.Name), "environment "+app.EnvName(k.Name)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, usageError{err}
	}
	return l, nil
}

// readConfigFile reads a YAML mapping of flag names to values, checking every key against the
// knobs (and scenario). Keys may use underscores for dashes (record_size).
func readConfigFile(path string) ([]configSetting, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of flag names to values, e.g. rate: 9000", path, root.Line)
	}
	names := []string{"scenario"}
	for _, k := range app.RunKnobs() {
		names = append(names, k.Name)
	}
	seen := map[string]int{}
	var out []configSetting
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := strings.ReplaceAll(k.Value, "_", "-")
		if _, knob := app.FindKnob(key); !knob && key != "scenario" {
			hint := ""
			if c := closest(key, names); c != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", c)
			}
			return nil, fmt.Errorf("%s:%d: unknown key %q%s", path, k.Line, k.Value, hint)
		}
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("%s:%d: %s: already set on line %d", path, k.Line, k.Value, prev)
		}
		seen[key] = k.Line
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			return nil, fmt.Errorf("%s:%d: %s: want a single value, e.g. %s: %s", path, v.Line, k.Value, key, exampleValue(key))
		}
		out = append(out, configSetting{key: key, value: v.Value, line: v.Line})
	}
	return out, nil
}

// exampleValue is a knob's default, to show the form a value takes.
func exampleValue(name string) string {
	if k, ok := app.FindKnob(name); ok {
		if v := k.Get(app.DefaultRunSettings()); v != "" {
			return v
		}
	}
	return "VALUE"
}

// whereFrom adds to an error of the settings checked together (which names flags) where each
// flag it names got its value, when that was not the command line: "--shards 0: want 1..10000
// (--shards: environment SHARDSTORM_SHARDS)".
func (l *layers) whereFrom(err error) error {
	var from []string
	for _, k := range app.RunKnobs() {
		src := l.source[k.Name]
		if src != "" && src != "command line" && mentionsFlag(err.Error(), k.Name) {
			from = append(from, "--"+k.Name+": "+src)
		}
	}
	if from == nil {
		return err
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(from, "; "))
}

// mentionsFlag reports whether msg names --name as a whole flag (not --name-more).
func mentionsFlag(msg, name string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], "--"+name)
		if j < 0 {
			return false
		}
		end := i + j + 2 + len(name)
		if end == len(msg) || !(msg[end] == '-' || msg[end] >= 'a' && msg[end] <= 'z') {
			return true
		}
		i = end
	}
}
