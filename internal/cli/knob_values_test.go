package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
)

// badValues are the values every knob is tried with: empty, zero, negative, huge (the largest
// its kind parses, and past it) and malformed.
var badValues = []struct{ name, value string }{
	{"empty", ""}, {"zero", "0"}, {"negative", "-1"}, {"huge", "2147483647"}, {"huge duration", "2562047h"},
	{"overflow", "99999999999999999999999"}, {"huge float", "1e308"}, {"malformed", "x%!"},
}

// knobAccepts lists the values of badValues a knob takes, and why that is right. Any other
// value the walk below finds accepted fails it; a zero accepted by a number knob must also be
// documented in its help ("0 = ...", or a probability). Every other value is refused, naming
// the flag.
var knobAccepts = func() map[string]map[string]string {
	all := []string{"empty", "zero", "negative", "huge", "huge duration", "overflow", "huge float", "malformed"}
	m := map[string]map[string]string{}
	accept := func(why string, cases []string, names ...string) {
		for _, n := range names {
			if m[n] == nil {
				m[n] = map[string]string{}
			}
			for _, c := range cases {
				m[n][c] = why
			}
		}
	}
	accept("free text the service judges (a region, profile or key id), or a file name", all,
		"region", "profile", "encrypt-stream", "report", "csv", "cpuprofile")
	accept("valid Kinesis stream names", []string{"zero", "negative", "huge", "huge duration", "overflow", "huge float"}, "stream")
	accept("valid CloudWatch namespaces and agent names", []string{"zero", "negative", "huge", "huge duration", "overflow", "huge float"},
		"publish-namespace", "agent")
	accept("empty leaves it unset: the default (no file, no endpoint, no latency, no listener)", []string{"empty"},
		"workload", "endpoint", "fault-latency", "fault-answer-latency", "metrics-addr", "connectivity")
	accept("0 is false, as the flag package reads it", []string{"zero"},
		"aggregation", "adaptive", "fail-if-throttled", "aws", "create-stream", "no-cloudwatch", "fault-kms-denied", "headless", "verify", "publish-metrics",
		"allow-remote-control")
	accept("0 has a documented meaning (the knob's help says which)", []string{"zero"},
		"seed", "duration", "describe-poll-rate", "reshard-after", "fault-internal-failure-rate", "fault-server-error-rate",
		"fault-control-plane-throttle-rate", "fault-latency", "fault-answer-latency", "min-put-rate", "max-p99", "publish-interval",
		"clients", "client-batch", "client-interval", "client-buffer")
	accept("0% is a threshold: no throttling allowed", []string{"zero"}, "max-throttled")
	accept("0 is a threshold: no failed record allowed (the default)", []string{"zero"}, "max-failed")
	accept("a large limit is the user's to choose: nothing is allocated or waited for up front", []string{"huge", "huge duration", "overflow", "huge float"},
		"seed", "duration", "max-lag", "record-ttl", "record-max-buffered-time", "request-timeout", "max-buffered-records",
		"reshard-after", "fault-latency", "fault-answer-latency", "progress-every", "min-put-rate", "max-p99", "max-failed")
	return m
}()

// runOutcome parses args as `shardstorm run` does, in process, and reports a panic or a hang as
// a failure of its own.
func runOutcome(t *testing.T, args []string) (err error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("PANIC: %v", p)
			}
		}()
		_, err := RunOptions(args)
		done <- err
	}()
	select {
	case err = <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%q: no answer within 10 s", args)
		return nil
	}
}

// Every knob of the table with empty, zero, negative, huge and malformed values: exit 2 naming
// the flag, or accepted as documented; never a panic or a hang (issue 14, must show).
func TestEveryKnobRefusesBadValuesByName(t *testing.T) {
	clearEnv(t)
	for _, k := range app.RunKnobs() {
		for _, v := range badValues {
			args := []string{"--" + k.Name + "=" + v.value}
			err := runOutcome(t, args)
			switch {
			case err == nil:
				why, ok := knobAccepts[k.Name][v.name]
				if !ok {
					t.Errorf("%q: accepted, and knobAccepts does not say why", args)
				}
				numeric := k.Kind == app.KindInt || k.Kind == app.KindFloat || k.Kind == app.KindDuration
				if v.name == "zero" && numeric && !strings.Contains(k.Help, "0 =") && !strings.Contains(k.Help, "0:") && !strings.Contains(k.Help, "probability") {
					t.Errorf("%q: accepted (%s), but the help does not say what 0 means: %q", args, why, k.Help)
				}
			case strings.HasPrefix(err.Error(), "PANIC"):
				t.Errorf("%q: %v", args, err)
			case !errors.As(err, new(usageError)):
				t.Errorf("%q: %v, not a usage error (exit 2)", args, err)
			case !strings.Contains(err.Error(), "-"+k.Name):
				t.Errorf("%q: the error does not name -%s: %v", args, k.Name, err)
			}
			if v.value == "" {
				continue // an empty variable or key is "not set" (layers.go)
			}
			// The same value in a SHARDSTORM_* variable and in a config file: the same verdict,
			// naming the variable, or the file and line.
			env := app.EnvName(k.Name)
			t.Setenv(env, v.value)
			envErr := runOutcome(t, nil)
			os.Unsetenv(env)
			file := writeFile(t, "c.yaml", k.Name+": '"+v.value+"'\n")
			fileErr := runOutcome(t, []string{"--config", file})
			for _, layer := range []struct {
				name, names string
				err         error
			}{{"variable", env, envErr}, {"config file", "c.yaml:1", fileErr}} {
				switch {
				case (layer.err == nil) != (err == nil):
					t.Errorf("%s %s=%q: %v; as a flag: %v", layer.name, k.Name, v.value, layer.err, err)
				case layer.err != nil && (!errors.As(layer.err, new(usageError)) || !strings.Contains(layer.err.Error(), layer.names)):
					t.Errorf("%s %s=%q: %v, want exit 2 naming %s", layer.name, k.Name, v.value, layer.err, layer.names)
				}
			}
		}
	}
}
