package cli

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
)

// The producer's field errors (producer.ConfigError) name the flag that set the field, every
// bad one at once, and exit 2.
func TestProducerErrorsNameTheFlags(t *testing.T) {
	clearEnv(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--rate-limit", "-5"}, []string{"--rate-limit: -5% outside 1..10000%"}},
		{[]string{"--rate-limit", "5"}, []string{"--rate-limit (below the adaptive floor): 10% must be between 0 and RateLimit"}},
		{[]string{"--max-connections", "5000", "--collection-max-count", "501", "--record-ttl", "-1s"},
			[]string{"--max-connections: 5000 outside 1..1024", "--collection-max-count: 501 outside 1..500", "--record-ttl: -1s is negative"}},
		{[]string{"--keys", "zipf:x"}, []string{`invalid value "zipf:x" for flag -keys`}},
		{[]string{"--shards", "lots"}, []string{`invalid value "lots" for flag -shards: want a whole number`}},
	} {
		code, _, errOut := runMain(t, append([]string{"config", "print"}, tc.args...)...)
		for _, w := range tc.want {
			if code != exitUsage || !strings.Contains(errOut, w) {
				t.Errorf("%q: exit %d, want 2 and %q in:\n%s", tc.args, code, w, errOut)
			}
		}
		if strings.Contains(errOut, "producer:") {
			t.Errorf("%q: the error names a Config field, not the flag:\n%s", tc.args, errOut)
		}
	}
}

// RunOptions parses as `shardstorm run` does, for programs that start a run in process.
func TestRunOptions(t *testing.T) {
	clearEnv(t)
	t.Setenv("SHARDSTORM_SHARDS", "7")
	o, err := RunOptions([]string{"--scenario", "rate-limit-too-low", "--rate", "1234", "-stream", "s"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Shards != 7 || o.Workload.Rate != 1234 || o.Stream != "s" || o.Producer.StreamName != "s" || o.Producer.RateLimit != 30 || !o.Producer.DisableAdaptive {
		t.Fatalf("options: shards %d rate %g stream %q/%q rate-limit %g adaptive off %v", o.Shards, o.Workload.Rate, o.Stream,
			o.Producer.StreamName, o.Producer.RateLimit, o.Producer.DisableAdaptive)
	}
	if _, err := RunOptions([]string{"--rat", "5"}); err == nil || !strings.Contains(err.Error(), "did you mean --rate?") {
		t.Fatalf("a misspelt flag: %v", err)
	}
}

// "A request timeout shorter than the latency" is one command: --fault-answer-latency reaches
// the embedded emulator, beside --fault-latency.
func TestRunFaultAnswerLatency(t *testing.T) {
	clearEnv(t)
	o, err := RunOptions([]string{"--request-timeout", "100ms", "--fault-answer-latency", "300ms", "--fault-latency", "10ms-50ms"})
	if err != nil {
		t.Fatal(err)
	}
	f := o.Emulator.Faults
	if f.AnswerLatency.Kind != emulator.LatencyFixed || f.AnswerLatency.Base != 300*time.Millisecond ||
		f.Latency.Kind != emulator.LatencyUniform || o.Producer.RequestTimeout != 100*time.Millisecond {
		t.Fatalf("faults %+v, request timeout %v", f, o.Producer.RequestTimeout)
	}
	if _, err := RunOptions([]string{"--fault-answer-latency", "soon"}); err == nil || !strings.Contains(err.Error(), "--fault-answer-latency") {
		t.Fatalf("a bad --fault-answer-latency: %v", err)
	}
}

// --size-accounting reaches the embedded emulator (AWS's rounding by default, raw on request),
// and is refused naming itself for a backend the run does not configure, or for a bad value.
func TestRunSizeAccounting(t *testing.T) {
	clearEnv(t)
	for _, c := range []struct {
		args []string
		want emulator.SizeAccounting
		err  string
	}{
		{nil, emulator.SizeRounded, ""},
		{[]string{"--size-accounting", "raw"}, emulator.SizeRaw, ""},
		{[]string{"--size-accounting", "rounded", "--endpoint", "http://127.0.0.1:1"}, emulator.SizeRounded, ""},
		{[]string{"--size-accounting", "raw", "--endpoint", "http://127.0.0.1:1"}, "", "--size-accounting raw needs the embedded emulator"},
		{[]string{"--size-accounting", "bytes"}, "", "-size-accounting: want rounded (AWS's 1 KiB rounding rule) or raw"},
	} {
		o, err := RunOptions(c.args)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !errors.As(err, new(usageError))):
			t.Errorf("%v: %v, want a usage error with %q", c.args, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%v: %v", c.args, err)
		case c.err == "" && o.Emulator.Limits.SizeAccounting != c.want:
			t.Errorf("%v: size accounting %q, want %q", c.args, o.Emulator.Limits.SizeAccounting, c.want)
		}
	}
}

// The report's copy of the command line never carries a secret, in whichever form the flags were
// given (the run command records them as --NAME=VALUE).
func TestRedactArgsHidesSecrets(t *testing.T) {
	got := strings.Join(redactArgs([]string{"--endpoint=http://agent:hunter2@127.0.0.1:4567", "--endpoint",
		"http://u:pw2@h:1", "--stream=AKIAABCDEFGHIJKLMNOP", "--rate=100"}), " ")
	for _, secret := range []string{"hunter2", "pw2", "AKIAABCDEFGHIJKLMNOP"} {
		if strings.Contains(got, secret) {
			t.Fatalf("%q reached the redacted args: %s", secret, got)
		}
	}
	if !strings.Contains(got, "--endpoint=http://agent:REDACTED@127.0.0.1:4567") || !strings.Contains(got, "--rate=100") {
		t.Fatalf("redaction lost what is not secret: %s", got)
	}
}
