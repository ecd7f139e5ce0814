package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var printedLine = regexp.MustCompile(`^([a-z0-9-]+): (.*?)  # (.*)$`)

// printed runs `config print` and returns each flag's value and source.
func printed(t *testing.T, args ...string) (values, sources map[string]string, out string) {
	t.Helper()
	code, out, errOut := runMain(t, append([]string{"config", "print"}, args...)...)
	if code != 0 {
		t.Fatalf("config print %q: exit %d\n%s", args, code, errOut)
	}
	values, sources = map[string]string{}, map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if m := printedLine.FindStringSubmatch(line); m != nil {
			values[m[1]], sources[m[1]] = m[2], m[3]
		}
	}
	if len(values) < 40 {
		t.Fatalf("config print shows %d flags:\n%s", len(values), out)
	}
	return values, sources, out
}

// clearEnv unsets the variables the tests set, so a developer's environment does not leak in.
func clearEnv(t *testing.T) {
	for _, v := range os.Environ() {
		name, _, _ := strings.Cut(v, "=")
		if strings.HasPrefix(name, "SHARDSTORM_") || strings.HasPrefix(name, "AWS_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

func TestConfigLayersPrecedence(t *testing.T) {
	clearEnv(t)
	file := writeFile(t, "c.yaml", "rate: 9000\nkeys: zipf:1.1:1000\nmax-throttled: 1%\nheadless: true\nrecord_size: 300\nrate-limit: 80\nshards: 3\n")

	v, src, _ := printed(t, "--config", file)
	for k, want := range map[string]string{"rate": "9000", "keys": "zipf:1.1:1000", "max-throttled": "1%", "headless": "true", "record-size": "300", "rate-limit": "80", "stream": "shardstorm-demo"} {
		if v[k] != want {
			t.Errorf("file only: %s = %q, want %q", k, v[k], want)
		}
	}
	if src["rate"] != "config "+file+":1" || src["stream"] != "default" {
		t.Errorf("sources: rate %q, stream %q", src["rate"], src["stream"])
	}

	// The environment overrides the file; flags override both; the scenario is under the file.
	t.Setenv("SHARDSTORM_RATE_LIMIT", "120")
	t.Setenv("SHARDSTORM_RATE", "8000")
	v, src, _ = printed(t, "--config", file, "--rate", "7000", "--scenario", "under-provisioned")
	for k, want := range map[string]string{"rate-limit": "120", "rate": "7000", "shards": "3", "record-size": "300"} {
		if v[k] != want {
			t.Errorf("layered: %s = %q, want %q", k, v[k], want)
		}
	}
	if src["rate-limit"] != "environment SHARDSTORM_RATE_LIMIT" || src["rate"] != "command line" {
		t.Errorf("sources: rate-limit %q, rate %q", src["rate-limit"], src["rate"])
	}

	// SHARDSTORM_CONFIG names the file when --config is not given.
	t.Setenv("SHARDSTORM_CONFIG", file)
	if v, _, _ = printed(t); v["keys"] != "zipf:1.1:1000" {
		t.Errorf("SHARDSTORM_CONFIG: keys = %q", v["keys"])
	}
}

func TestConfigFileErrors(t *testing.T) {
	clearEnv(t)
	for _, tc := range []struct {
		name, content string
		want          []string
	}{
		{"bad-value", "rate: 100\nshards: lots\n", []string{"bad-value.yaml:2: shards", "lots"}},
		{"bad-percent", "headless: true\nmax-throttled: 200%\n", []string{"bad-percent.yaml:2: max-throttled", "percentage"}},
		{"unknown", "rate: 100\nrat_limit: 50\n", []string{"unknown.yaml:2", `unknown key "rat_limit"`, "did you mean rate-limit?"}},
		{"syntax", "rate: 100\nkeys: [a\n", []string{"syntax.yaml", "line"}},
		{"not-a-map", "- rate\n", []string{"not-a-map.yaml:1", "mapping"}},
		{"nested", "rate:\n  per-second: 5\n", []string{"nested.yaml:2: rate", "single value"}},
		{"duplicate", "rate: 1\nrate: 2\n", []string{"duplicate.yaml:2", "line 1"}},
		{"bad-scenario", "scenario: hot-keys\n", []string{`unknown scenario "hot-keys"`, "did you mean hot-key?", "under-provisioned"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, tc.name+".yaml", tc.content)
			for _, cmd := range [][]string{{"run"}, {"config", "print"}} {
				code, out, errOut := runMain(t, append(cmd, "--config", file)...)
				if code != exitUsage {
					t.Fatalf("%v: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", cmd, code, out, errOut)
				}
				for _, w := range tc.want {
					if !strings.Contains(errOut, w) {
						t.Errorf("%v: stderr lacks %q:\n%s", cmd, w, errOut)
					}
				}
			}
		})
	}
	code, _, errOut := runMain(t, "run", "--config", filepath.Join(t.TempDir(), "missing.yaml"))
	if code != exitUsage || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing file: exit %d\n%s", code, errOut)
	}
	t.Setenv("SHARDSTORM_SHARDS", "many")
	code, _, errOut = runMain(t, "run")
	if code != exitUsage || !strings.Contains(errOut, "environment SHARDSTORM_SHARDS") {
		t.Errorf("bad environment value: exit %d\n%s", code, errOut)
	}
}

// What config print writes, --config reads back to the same settings.
func TestConfigPrintRoundTrips(t *testing.T) {
	clearEnv(t)
	v1, _, out := printed(t, "--scenario", "small-records-without-aggregation", "--keys", "hot:0.4", "--max-throttled", "2%",
		"--encrypt-stream", "orders: EU #1", "--fault-latency", "10ms-50ms", "--shape", "ramp:1000-5000:30s")
	file := writeFile(t, "printed.yaml", out)
	v2, _, _ := printed(t, "--config", file)
	for k, want := range v1 {
		if v2[k] != want {
			t.Errorf("%s: printed %q, read back %q", k, want, v2[k])
		}
	}
	if v2["encrypt-stream"] != `'orders: EU #1'` {
		t.Errorf("encrypt-stream printed as %s", v2["encrypt-stream"])
	}
}

func TestConfigPrintRedactsSecrets(t *testing.T) {
	clearEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-supersecret-EXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "sessiontoken-secret-value")
	t.Setenv("AWS_PROFILE", "loadtest")
	t.Setenv("AWS_REGION", "eu-west-1")
	_, _, out := printed(t, "--endpoint", "http://admin:hunter2-secret@localhost:4567", "--stream", "AKIAIOSFODNN7EXAMPLE")
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "supersecret", "sessiontoken", "hunter2"} {
		if strings.Contains(out, secret) {
			t.Errorf("config print shows %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"profile: loadtest", "region: eu-west-1", "credentials: from the environment (redacted)", "http://admin:REDACTED@localhost:4567"} {
		if !strings.Contains(out, want) {
			t.Errorf("config print lacks %q:\n%s", want, out)
		}
	}
}

func TestConfigCommandUsage(t *testing.T) {
	if code, _, _ := runMain(t, "config"); code != exitUsage {
		t.Errorf("config with no subcommand: exit %d", code)
	}
	if code, _, errOut := runMain(t, "config", "print", "--shards", "0"); code != exitUsage || !strings.Contains(errOut, "--shards 0") {
		t.Errorf("config print checks the options: exit %d\n%s", code, errOut)
	}
}
