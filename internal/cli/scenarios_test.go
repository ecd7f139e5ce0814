package cli

import (
	"strings"
	"testing"
)

func TestScenariosCommandListsThePresets(t *testing.T) {
	code, out, errOut := runMain(t, "scenarios")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, s := range scenarios {
		if !strings.Contains(out, "\n  "+s.name+"\n") || !strings.Contains(out, s.story) || !strings.Contains(out, s.flagString()) {
			t.Errorf("scenarios lacks %s:\n%s", s.name, out)
		}
	}
	// The stories the issue names, all present.
	for _, name := range []string{"hot-key", "under-provisioned", "small-records-without-aggregation", "api-throttling", "kms-denied", "reshard-under-load", "internal-failures",
		"putrecord-rounding", "mobile-fleet", "iot-flaky", "browser-putrecord"} {
		if _, err := findScenario(name); err != nil {
			t.Errorf("scenario %s: %v", name, err)
		}
	}
}

// Every preset's flags exist and take its values; the file, environment and flags override it.
func TestScenarioFlagsApply(t *testing.T) {
	clearEnv(t)
	for _, s := range scenarios {
		v, src, _ := printed(t, "--scenario", s.name)
		for _, f := range s.flags {
			if v[f[0]] != f[1] || src[f[0]] != "scenario "+s.name {
				t.Errorf("%s: %s = %q from %q, want %q", s.name, f[0], v[f[0]], src[f[0]], f[1])
			}
		}
	}
	t.Setenv("SHARDSTORM_SHARDS", "5")
	v, _, _ := printed(t, "--scenario", "under-provisioned", "--rate", "100")
	if v["shards"] != "5" || v["rate"] != "100" || v["record-size"] != "500" {
		t.Errorf("overrides: shards %s rate %s record-size %s", v["shards"], v["rate"], v["record-size"])
	}
	t.Setenv("SHARDSTORM_SHARDS", "")
	t.Setenv("SHARDSTORM_SCENARIO", "hot-key")
	if v, _, _ := printed(t); v["keys"] != "hot:0.5" {
		t.Errorf("SHARDSTORM_SCENARIO: keys = %q", v["keys"])
	}
}

func TestUnknownScenario(t *testing.T) {
	clearEnv(t)
	code, _, errOut := runMain(t, "run", "--scenario", "hotkey")
	if code != exitUsage || !strings.Contains(errOut, `unknown scenario "hotkey" (did you mean hot-key?)`) {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, s := range scenarios {
		if !strings.Contains(errOut, s.name) {
			t.Errorf("the error does not list %s:\n%s", s.name, errOut)
		}
	}
}

func TestFaultFlagsAreChecked(t *testing.T) {
	clearEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--fault-internal-failure-rate", "1.5"}, "--fault-internal-failure-rate 1.5: want a probability in [0, 1]"},
		{[]string{"--fault-latency", "soon"}, "--fault-latency"},
		{[]string{"--fault-server-error-rate", "0.1", "--endpoint", "http://localhost:4566"}, "need the embedded emulator"},
		{[]string{"--scenario", "internal-failures", "--aws"}, "need the embedded emulator"},
	} {
		code, _, errOut := runMain(t, append([]string{"run"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errOut)
		}
	}
	if code, _, errOut := runMain(t, "config", "print", "--fault-latency", "lognormal:20ms:0.5", "--fault-kms-denied",
		"--fault-control-plane-throttle-rate", "0.2"); code != 0 {
		t.Errorf("valid faults: exit %d\n%s", code, errOut)
	}
}
