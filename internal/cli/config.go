package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/shardstorm/shardstorm/internal/app"
)

// newConfigCommand is `shardstorm config print [run flags]`: the effective settings of a run,
// as YAML a --config file takes, with each value's source and secrets redacted.
func newConfigCommand() *cobra.Command {
	config := &cobra.Command{
		Use:   "config print [run flags]",
		Short: "config print [run flags]: the effective settings (defaults, scenario, --config, SHARDSTORM_*, flags)",
		RunE: func(*cobra.Command, []string) error {
			return usageError{errors.New("want `shardstorm config print [run flags]`")}
		},
	}
	var r runLine
	print := &cobra.Command{
		Use:   "print [run flags]",
		Short: "the effective settings of `shardstorm run` with the same flags, as YAML for --config",
		Long:  "Prints the effective settings of `shardstorm run` with the same flags, as YAML for --config, each with its source.",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := r.parse(cmd.Flags()); err != nil {
				return err
			}
			return printConfig(cmd.OutOrStdout(), r.settings, r.layers)
		},
	}
	r.define(print)
	config.AddCommand(print)
	return config
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

// printConfig writes every knob's value and source, in name order.
func printConfig(w io.Writer, s *app.RunSettings, l *layers) error {
	var b bytes.Buffer
	fmt.Fprintln(&b, "# shardstorm run: effective settings (defaults < scenario < config file < SHARDSTORM_* < flags).")
	fmt.Fprintln(&b, "# Usable as --config FILE.")
	if l.scenario != "" {
		fmt.Fprintf(&b, "# scenario: %s\n", l.scenario)
	}
	if l.file != "" {
		fmt.Fprintf(&b, "# config file: %s\n", l.file)
	}
	knobs := app.RunKnobs()
	slices.SortFunc(knobs, func(a, b app.Knob) int { return strings.Compare(a.Name, b.Name) })
	var errs []error
	for _, k := range knobs {
		value := redact(k.Name, k.Get(s))
		src := l.source[k.Name]
		if src == "" {
			src = "default"
		}
		line, err := yamlLine(k.Name, value)
		errs = append(errs, err)
		fmt.Fprintf(&b, "%s  # %s\n", line, src)
	}
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
