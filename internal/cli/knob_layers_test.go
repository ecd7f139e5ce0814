package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/shardstorm/shardstorm/internal/app"
)

// knobSamples are three values of every run knob, none its default: for the config file, the
// environment and the command line. A knob added to the table without samples fails the walk.
var knobSamples = map[string][3]string{
	"workload": {"", "", ""}, // files: filled in by the test
	"seed":     {"1", "2", "3"}, "duration": {"1m0s", "2m0s", "3m0s"}, "rate": {"100", "200", "300"},
	"shape": {"ramp:1000-5000:30s", "sine:1000:500:1m", "steps:1000@30s,5000@30s"}, "keys": {"random", "pool:10", "zipf:1.1:1000"},
	"record-size": {"100", "uniform:10-20", "normal:300:50"}, "max-record-bytes": {"2048", "4096", "8192"},
	"payload": {"json", "json:{\"a\":\"{{name}}\"}", "json:{\"b\":1}"}, "template": {`{"x":1}`, `{"y":2}`, `{"z":3}`},
	"late-after": {"20ms", "30ms", "40ms"}, "max-lag": {"2s", "3s", "4s"}, "backpressure": {"block", "block", "block"},
	"rate-limit": {"80", "90", "100"}, "aggregation": {"false", "false", "false"}, "adaptive": {"false", "false", "false"},
	"max-connections": {"2", "3", "4"}, "record-ttl": {"1m0s", "2m0s", "3m0s"}, "record-max-buffered-time": {"1s", "2s", "3s"},
	"request-timeout": {"7s", "8s", "9s"}, "fail-if-throttled": {"true", "true", "true"}, "max-buffered-records": {"10", "20", "30"},
	"aggregation-max-size": {"1000", "2000", "3000"}, "collection-max-count": {"10", "20", "30"},
	"stream": {"a", "b", "c"}, "shards": {"1", "2", "3"}, "endpoint": {"http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"},
	"aws": {"true", "true", "true"}, "region": {"eu-west-1", "eu-west-2", "eu-west-3"}, "profile": {"p1", "p2", "p3"},
	"create-stream": {"true", "true", "true"}, "no-cloudwatch": {"true", "true", "true"}, "verify": {"true", "true", "true"},
	"encrypt-stream": {"alias/a", "alias/b", "alias/c"}, "describe-poll-rate": {"1", "2", "3"}, "reshard-after": {"10s", "20s", "30s"},
	"fault-internal-failure-rate": {"0.1", "0.2", "0.3"}, "fault-server-error-rate": {"0.1", "0.2", "0.3"},
	"fault-latency": {"10ms", "10ms-50ms", "lognormal:20ms:0.5"}, "fault-kms-denied": {"true", "true", "true"},
	"fault-answer-latency":              {"300ms", "100ms-300ms", "lognormal:200ms:0.5"},
	"fault-control-plane-throttle-rate": {"0.1", "0.2", "0.3"},
	"size-accounting":                   {"raw", "raw", "raw"},
	"headless":                          {"true", "true", "true"}, "progress-every": {"1s", "2s", "3s"}, "metrics-addr": {"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"},
	"allow-remote-control": {"true", "true", "true"},
	"report":               {"r1.json", "r2.json", "r3.json"}, "csv": {"s1.csv", "s2.csv", "s3.csv"}, "cpuprofile": {"c1.pprof", "c2.pprof", "c3.pprof"}, "max-throttled": {"1%", "2%", "3%"}, "max-failed": {"10", "20", "30"},
	"min-put-rate": {"10", "20", "30"}, "max-p99": {"1s", "2s", "3s"},
	"publish-metrics": {"true", "true", "true"}, "publish-namespace": {"MyApp", "Fleet/Agents", "ns3"},
	"producer": {"putrecords", "putrecords", "putrecords"}, // the fleet scenarios' client settings need a fleet
	"clients":  {"10", "20", "30"}, "client-batch": {"10", "20", "30"},
	"client-interval": {"1s", "2s", "3s"}, "client-buffer": {"100", "200", "300"},
	"connectivity": {"flaky:30s/5s", "outage:5s:10s", "outage:10s:20s"},
	"agent":        {"a1", "a2", "a3"}, "publish-granularity": {"global", "shard", "global"}, "publish-interval": {"5s", "10s", "15s"},
}

// knobContext are other flags a knob's samples need to make sense (a template is for JSON).
var knobContext = map[string][]string{"template": {"--payload", "json"},
	"clients": {"--producer", "putrecords"}, "client-batch": {"--producer", "putrecords"}, "client-interval": {"--producer", "putrecords"},
	"client-buffer": {"--producer", "putrecords"}, "connectivity": {"--producer", "putrecords"},
	"allow-remote-control": {"--metrics-addr", "0.0.0.0:9464"}}

// Every knob of the table, alone, through the layers: its default, then a config file, then
// SHARDSTORM_<NAME> over the file, then the flag over both (and a scenario that sets it, under
// the file): config print shows the value and the source of each.
func TestEveryKnobThroughEveryLayer(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("w%d.yaml", i))
		if err := os.WriteFile(p, []byte(fmt.Sprintf("rate: %d\n", 10+i)), 0o600); err != nil {
			t.Fatal(err)
		}
		s := knobSamples["workload"]
		s[i] = p
		knobSamples["workload"] = s
	}
	defaults := app.DefaultRunSettings()
	for _, k := range app.RunKnobs() {
		samples, ok := knobSamples[k.Name]
		if !ok {
			t.Errorf("knob %s has no samples in knobSamples", k.Name)
			continue
		}
		t.Run(k.Name, func(t *testing.T) {
			show := func(args ...string) (string, string) {
				t.Helper()
				args = append(append([]string{"config", "print"}, knobContext[k.Name]...), args...)
				code, out, errOut := runMain(t, args...)
				if code != 0 {
					t.Fatalf("config print %q: exit %d\n%s", args, code, errOut)
				}
				for _, line := range strings.Split(out, "\n") {
					if m := printedLine.FindStringSubmatch(line); m != nil && m[1] == k.Name {
						var v struct{ V string }
						if err := yaml.Unmarshal([]byte("v: "+m[2]), &v); err != nil {
							t.Fatalf("%s: %v", line, err)
						}
						return v.V, m[3]
					}
				}
				t.Fatalf("config print lacks %s:\n%s", k.Name, out)
				return "", ""
			}
			check := func(layer, gotV, gotSrc, wantV, wantSrc string) {
				t.Helper()
				if gotV != wantV || gotSrc != wantSrc {
					t.Errorf("%s: %s = %q from %q, want %q from %q", layer, k.Name, gotV, gotSrc, wantV, wantSrc)
				}
			}
			v, src := show()
			check("default", v, src, k.Get(defaults), "default")

			line, err := yamlLine(k.Name, samples[0])
			if err != nil {
				t.Fatal(err)
			}
			file := writeFile(t, "c.yaml", line+"\n")
			v, src = show("--config", file)
			check("config file", v, src, samples[0], "config "+file+":1")

			t.Setenv(app.EnvName(k.Name), samples[1])
			v, src = show("--config", file)
			check("environment", v, src, samples[1], "environment "+app.EnvName(k.Name))

			v, src = show("--config", file, "--"+k.Name+"="+samples[2])
			check("flag", v, src, samples[2], "command line")
			os.Unsetenv(app.EnvName(k.Name))

			for _, sc := range scenarios {
				i := slices.IndexFunc(sc.flags, func(f [2]string) bool { return f[0] == k.Name })
				if i < 0 {
					continue
				}
				v, src = show("--scenario", sc.name)
				check("scenario", v, src, sc.flags[i][1], "scenario "+sc.name)
				v, src = show("--scenario", sc.name, "--config", file)
				check("config file over scenario", v, src, samples[0], "config "+file+":1")
			}
		})
	}
}
