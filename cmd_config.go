package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Run settings come in layers, each overriding the one before: the flags' defaults, a --scenario
// preset, a --config file (YAML, keys are flag names), the environment (SHARDSTORM_RATE_LIMIT for
// --rate-limit) and the command line. The scenario and config file may also be named by
// SHARDSTORM_SCENARIO and SHARDSTORM_CONFIG, and the scenario by the file's "scenario" key.

const envPrefix = "SHARDSTORM_"

// layerFlags are the flags that choose the layers rather than set a value.
var layerFlags = map[string]bool{"config": true, "scenario": true}

// envName is the environment variable for a flag: rate-limit → SHARDSTORM_RATE_LIMIT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

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

// applyLayers sets, on fs, every flag the command line did not give from the scenario, the config
// file and the environment, in that order. configFile and scenarioName are the --config and
// --scenario values ("" if not given). Errors are usageErrors naming the file and line, the
// variable or the scenario.
func applyLayers(fs *flag.FlagSet, configFile, scenarioName string) (*layers, error) {
	l := &layers{file: configFile, scenario: scenarioName, source: map[string]string{}}
	fs.Visit(func(f *flag.Flag) { l.source[f.Name] = "command line" })
	if l.file == "" {
		l.file = os.Getenv(envPrefix + "CONFIG")
	}
	var settings []configSetting
	if l.file != "" {
		var err error
		if settings, err = readConfigFile(fs, l.file); err != nil {
			return nil, usageError{err}
		}
	}
	if l.scenario == "" {
		l.scenario = os.Getenv(envPrefix + "SCENARIO")
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
		if layerFlags[name] || l.source[name] == "command line" {
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
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok && v != "" {
			errs = append(errs, set(f.Name, v, "environment "+envName(f.Name), "environment "+envName(f.Name)))
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, usageError{err}
	}
	return l, nil
}

// readConfigFile reads a YAML mapping of flag names to values, checking every key against fs.
// Keys may use underscores for dashes (record_size).
func readConfigFile(fs *flag.FlagSet, path string) ([]configSetting, error) {
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
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "config" {
			names = append(names, f.Name)
		}
	})
	seen := map[string]int{}
	var out []configSetting
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := strings.ReplaceAll(k.Value, "_", "-")
		if key == "config" || fs.Lookup(key) == nil {
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
			return nil, fmt.Errorf("%s:%d: %s: want a single value, e.g. %s: %s", path, v.Line, k.Value, key, exampleValue(fs, key))
		}
		out = append(out, configSetting{key: key, value: v.Value, line: v.Line})
	}
	return out, nil
}

func exampleValue(fs *flag.FlagSet, name string) string {
	if f := fs.Lookup(name); f != nil && f.DefValue != "" {
		return f.DefValue
	}
	return "VALUE"
}

// runConfig is `shardstorm config print [run flags]`: the effective settings of a run, as YAML a
// --config file takes, with secrets redacted.
func runConfig(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "print" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stderr, "Usage: shardstorm config print [run flags]\n\nPrints the effective settings of `shardstorm run` with the same flags, as YAML for --config.")
			return flag.ErrHelp
		}
		return usageError{errors.New("want `shardstorm config print [run flags]`")}
	}
	p, err := parseRun(args[1:], stderr, "config print")
	if err != nil {
		return err
	}
	if _, err := p.flags.options(p.fs); err != nil {
		return usageError{err}
	}
	return printConfig(stdout, p.fs, p.layers)
}

// secretish are flag names whose values are never printed.
var secretish = regexp.MustCompile(`(?i)secret|token|password|credential`)

// awsKeyID looks like an AWS access key id (AKIA…, ASIA…).
var awsKeyID = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)

// redact hides a secret in a flag value: the whole value for a secret-looking flag name, the
// password of a URL, and anything that looks like an access key id.
func redact(name, value string) string {
	if value == "" {
		return value
	}
	if secretish.MatchString(name) {
		return "(redacted)"
	}
	if u, err := url.Parse(value); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
			value = u.String()
		}
	}
	return awsKeyID.ReplaceAllString(value, "(redacted)")
}

func printConfig(w io.Writer, fs *flag.FlagSet, l *layers) error {
	var b bytes.Buffer
	fmt.Fprintln(&b, "# shardstorm run: effective settings (defaults < scenario < config file < SHARDSTORM_* < flags).")
	fmt.Fprintln(&b, "# Usable as --config FILE.")
	if l.scenario != "" {
		fmt.Fprintf(&b, "# scenario: %s\n", l.scenario)
	}
	if l.file != "" {
		fmt.Fprintf(&b, "# config file: %s\n", l.file)
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if layerFlags[f.Name] {
			return
		}
		value := redact(f.Name, f.Value.String())
		src := l.source[f.Name]
		if src == "" {
			src = "default"
		}
		line, err := yamlLine(f.Name, value)
		errs = append(errs, err)
		fmt.Fprintf(&b, "%s  # %s\n", line, src)
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprint(&b, awsEnvironment())
	_, err := w.Write(b.Bytes())
	return err
}

// yamlLine renders name: value, quoting the value only where YAML needs it, so that reading it
// back gives the same string.
func yamlLine(name, value string) (string, error) {
	n := yaml.Node{Kind: yaml.ScalarNode, Value: value}
	var back string
	if err := yaml.Unmarshal([]byte("v: "+value), &struct{ V *string }{&back}); err != nil || back != value || value == "" {
		n.Style = yaml.SingleQuotedStyle
	}
	out, err := yaml.Marshal(&n)
	if err != nil {
		return "", err
	}
	return name + ": " + strings.TrimSuffix(string(out), "\n"), nil
}

// awsEnvironment describes, as comments, the AWS settings a run would take from the environment,
// without the credentials themselves.
func awsEnvironment() string {
	var lines []string
	for _, v := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_CLOUDWATCH"} {
		if val := os.Getenv(v); val != "" {
			lines = append(lines, fmt.Sprintf("#   %s: %s", strings.ToLower(strings.TrimPrefix(v, "AWS_")), redact(v, val)))
		}
	}
	var creds []string
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if os.Getenv(v) != "" {
			creds = append(creds, v)
		}
	}
	if len(creds) > 0 {
		lines = append(lines, "#   credentials: from the environment (redacted): "+strings.Join(creds, ", "))
	}
	if len(lines) == 0 {
		return ""
	}
	return "# From the AWS environment (used with --aws, --region or --profile):\n" + strings.Join(lines, "\n") + "\n"
}
