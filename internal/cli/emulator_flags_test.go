package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/shardstorm/shardstorm/emulator"
)

// Every flag of `shardstorm emulator` with an empty, zero, negative, huge or malformed value
// either is refused with exit 2 naming the flag, before anything listens, or is accepted as
// documented below; never a panic, a hang, an internal field name or a silent default.
func TestEmulatorFlagValues(t *testing.T) {
	accepted := map[string]bool{ // FLAG=VALUE pairs that are valid, and why
		"allow-remote=0": true, "kms-denied=0": true, "black-hole=0": true, // false
		"create-delay=0": true, "create-delay=0s": true, // ACTIVE at once (the default)
		"internal-failure-rate=0": true, "server-error-rate=0": true, "control-plane-throttle-rate=0": true, "reset-rate=0": true,
		"latency=": true, "latency=0": true, // no added latency (the default)
		"answer-latency=": true, "answer-latency=0": true, "answer-latency=2562047h": true, // as --latency
		"seed=0": true, "seed=-1": true, "seed=99999999999999": true, "seed=8589934593": true, "seed=8589934592": true, // any seed is a seed
		"create-delay=2562047h": true, "reshard-delay=2562047h": true, "log-every=2562047h": true, // long, not wrong
		"latency=2562047h":              true,
		"retain-records=99999999999999": true, "retain-bytes=99999999999999": true, // bounds, not allocations
		"retain-records=8589934593": true, "retain-bytes=8589934593": true, "retain-records=8589934592": true, "retain-bytes=8589934592": true,
		"shard-records-per-sec=8589934592": true, "shard-bytes-per-sec=8589934592": true,
	}
	values := []string{"", "0", "-1", "-1s", "99999999999999", "8589934593", "8589934592", "2562047h", "NaN", "x@!"}
	var names []string
	fs := pflag.NewFlagSet("names", pflag.ContinueOnError)
	bindEmulatorFlags(fs, &emulatorFlags{})
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	for _, name := range names {
		for _, v := range values {
			arg := "--" + name + "=" + v
			var e emulatorFlags
			fs := pflag.NewFlagSet("emulator", pflag.ContinueOnError)
			fs.SetOutput(new(strings.Builder))
			bindEmulatorFlags(fs, &e)
			args := []string{arg}
			if name != "addr" {
				args = append(args, "--addr=127.0.0.1:0")
			}
			err := fs.Parse(args)
			if err == nil {
				_, err = e.config()
			}
			if err == nil {
				if !accepted[name+"="+v] {
					t.Errorf("%s accepted; refuse it naming the flag or document it as accepted", arg)
				}
				continue
			}
			if accepted[name+"="+v] {
				t.Errorf("%s refused: %v", arg, err)
				continue
			}
			// Refused values exit before serving, so the whole command can run here.
			code, out, errOut := runMain(t, append([]string{"emulator"}, args...)...)
			if code != exitUsage || !strings.Contains(errOut, "-"+name) || strings.Contains(out, "serving") ||
				strings.Contains(errOut, "Streams[") || strings.Contains(errOut, "Faults.") || strings.Contains(errOut, "Limits.") {
				t.Errorf("%s: exit %d, want 2 naming --%s\nstderr: %s", arg, code, name, errOut)
			}
		}
	}
}

// --answer-latency delays the answer after the write took effect, with --latency's syntax: a
// client whose timeout is shorter stores without knowing. A bad value names the flag.
func TestEmulatorAnswerLatencyFlag(t *testing.T) {
	var e emulatorFlags
	fs := pflag.NewFlagSet("emulator", pflag.ContinueOnError)
	bindEmulatorFlags(fs, &e)
	if err := fs.Parse([]string{"--answer-latency", "100ms-300ms", "--latency", "5ms"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := e.config()
	if err != nil {
		t.Fatal(err)
	}
	if a := cfg.Faults.AnswerLatency; a.Kind != emulator.LatencyUniform || a.Base != 100*time.Millisecond || a.Max != 300*time.Millisecond ||
		cfg.Faults.Latency.Base != 5*time.Millisecond {
		t.Errorf("faults %+v", cfg.Faults)
	}
	code, _, errOut := runMain(t, "emulator", "--addr=127.0.0.1:0", "--answer-latency", "-5ms")
	if code != exitUsage || !strings.Contains(errOut, "--answer-latency") || strings.Contains(errOut, "Faults.") {
		t.Errorf("--answer-latency -5ms: exit %d, want 2 naming the flag:\n%s", code, errOut)
	}
}
