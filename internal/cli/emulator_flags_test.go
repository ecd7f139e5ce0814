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
		"delete-delay=0": true, "delete-delay=0s": true, "delete-delay=2562047h": true, // gone at once; long, not wrong
		"tls=0": true, "tls-cert=": true, "tls-key=": true, // no TLS (the default)
	}
	// --tls-cert-out is a file name, written only with --tls: any non-empty name is one.
	for _, v := range []string{"0", "-1", "-1s", "99999999999999", "8589934593", "8589934592", "2562047h", "NaN", "x@!"} {
		accepted["tls-cert-out="+v] = true
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

// --stream NAME:SHARDS takes any count the account's shard quota holds: AWS's for --region by
// default, or --shard-quota (given before or after --stream); over it, exit 2 naming --stream
// and the flag that raises the quota.
func TestEmulatorStreamWithinShardQuota(t *testing.T) {
	for _, c := range []struct {
		args  []string
		quota int    // the emulator's quota when accepted
		err   string // what the refusal says, "" when accepted
	}{
		{[]string{"--stream", "big:10000"}, 0, ""}, // us-east-1: 20,000 (0: the region's default)
		{[]string{"--stream", "big:20000"}, 0, ""},
		{[]string{"--stream", "big:20001"}, 0, `--stream 20001: shard count of "big" outside 1..20000 (the account's shard quota); --shard-quota raises it`},
		{[]string{"--region", "local", "--stream", "big:1001"}, 0, `--stream 1001: shard count of "big" outside 1..1000`},
		{[]string{"--region", "local", "--stream", "big:10000", "--shard-quota", "10000"}, 10000, ""},
		{[]string{"--shard-quota", "30000", "--stream", "a:15000", "--stream", "b:15000"}, 30000, ""},
		{[]string{"--stream", "a:15000", "--stream", "b:15000"}, 0, "--stream 30000: the streams' 30000 shards exceed the account's shard quota of 20000; --shard-quota raises it"},
		{[]string{"--stream", "big:2000", "--shard-quota", "1000"}, 0, `--stream 2000: shard count of "big" outside 1..1000`},
		{[]string{"--shard-quota", "0"}, 0, "--shard-quota 0: want a whole number in 1..1000000"},
		{[]string{"--shard-quota", "1000001"}, 0, "--shard-quota 1000001: outside 1..1000000"},
	} {
		var e emulatorFlags
		fs := pflag.NewFlagSet("emulator", pflag.ContinueOnError)
		bindEmulatorFlags(fs, &e)
		if err := fs.Parse(append(c.args, "--addr=127.0.0.1:0")); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		cfg, err := e.config()
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%v refused: %v", c.args, err)
		case c.err == "" && cfg.Limits.ShardLimit != c.quota:
			t.Errorf("%v: quota %d, want %d", c.args, cfg.Limits.ShardLimit, c.quota)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%v: %v, want %q", c.args, err, c.err)
		}
	}
	code, _, errOut := runMain(t, "emulator", "--addr=127.0.0.1:0", "--region", "local", "--stream", "big:5000")
	if code != exitUsage || !strings.Contains(errOut, "--stream 5000") {
		t.Fatalf("exit %d, stderr %q: want 2 naming --stream", code, errOut)
	}
}

// --on-demand-time-scale reaches the emulator's configuration; the table above shows 0,
// negative, NaN and over 1e9 refused naming the flag.
func TestEmulatorOnDemandTimeScaleFlag(t *testing.T) {
	for arg, want := range map[string]float64{"": 1, "--on-demand-time-scale=3600": 3600, "--on-demand-time-scale=1e9": 1e9} {
		var e emulatorFlags
		fs := pflag.NewFlagSet("emulator", pflag.ContinueOnError)
		bindEmulatorFlags(fs, &e)
		args := []string{"--addr=127.0.0.1:0"}
		if arg != "" {
			args = append(args, arg)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		cfg, err := e.config()
		if err != nil || cfg.OnDemandTimeScale != want {
			t.Fatalf("%q: OnDemandTimeScale %v, %v; want %v", arg, cfg.OnDemandTimeScale, err, want)
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

// --size-accounting chooses the emulator's bytes accounting: AWS's 1 KiB rounding by default,
// raw on request; anything else is refused naming the flag.
func TestEmulatorSizeAccountingFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want emulator.SizeAccounting
		err  string
	}{
		{nil, emulator.SizeRounded, ""},
		{[]string{"--size-accounting", "raw"}, emulator.SizeRaw, ""},
		{[]string{"--size-accounting", "rounded"}, emulator.SizeRounded, ""},
		{[]string{"--size-accounting", "exact"}, "", `--size-accounting "exact": want rounded (AWS's 1 KiB rounding rule) or raw`},
		{[]string{"--size-accounting", ""}, "", `--size-accounting "": want rounded`},
	} {
		var e emulatorFlags
		fs := pflag.NewFlagSet("emulator", pflag.ContinueOnError)
		bindEmulatorFlags(fs, &e)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		cfg, err := e.config()
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%v: %v, want %q", c.args, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%v: %v", c.args, err)
		case c.err == "" && cfg.Limits.SizeAccounting != c.want:
			t.Errorf("%v: size accounting %q, want %q", c.args, cfg.Limits.SizeAccounting, c.want)
		}
	}
}
