package workload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadSpec(t *testing.T) {
	spec, err := LoadSpec("w.yaml", []byte(`
seed: 42
duration: 10m
shape: ramp:1000-10000:60s
keys: hot:0.3:zipf:1.1:1000
record_size: lognormal:800:400
max_record_bytes: 2097152
payload: json
template: |
  {"id":"{{uuid}}","n":{{int:1:9}}}
late_after: 5ms
max_lag: 2s
backpressure: block
`))
	if err != nil {
		t.Fatal(err)
	}
	if spec.Seed != 42 || spec.Duration != 10*time.Minute || spec.ShapeString() != "ramp:1000-10000:1m" ||
		spec.Keys.String() != "hot:0.3:zipf:1.1:1000" || spec.Size.String() != "lognormal:800:400" ||
		spec.MaxRecordBytes != 2<<20 || spec.Payload.Kind != PayloadJSON || !strings.Contains(spec.Payload.Template, "{{uuid}}") ||
		spec.LateAfter != 5*time.Millisecond || spec.MaxLag != 2*time.Second || spec.Backpressure != BackpressureBlock {
		t.Fatalf("loaded %+v", spec)
	}
	empty, err := LoadSpec("empty.yaml", nil)
	if err != nil || empty.Rate != DefaultRate || empty.ShapeString() != "constant" {
		t.Fatalf("empty file: %+v, %v", empty, err)
	}
}

func TestLoadSpecErrorsNameFieldAndLine(t *testing.T) {
	cases := []struct {
		yaml  string
		line  int
		field string
		text  string
	}{
		{"seed: 1\nkeys: zipf:x:10\n", 2, "keys", "zipf exponent"},
		{"rate: 100\n\nshape: ramp:1000:60s\n", 3, "shape", "want FROM-TO"},
		{"record_size: uniform:9-3\n", 1, "record_size", "MIN ≤ MAX"},
		{"keys: random\nrecord-size: 100\n", 2, "record-size", "did you mean record_size"},
		{"keys: random\nkeys: pool:3\n", 2, "keys", "given twice (first on line 1)"},
		{"keys:\n  - random\n", 2, "keys", "single value"},
		{"max_record_bytes: 1024\nrecord_size: 5000\n", 2, "record_size", "1..1023"},
		{"payload: file:/x\nrecord_size: 100\n", 2, "record_size", "file payloads"},
		{"template: '{\"a\":1}'\n", 1, "template", "json payloads only"},
		{"late_after: 2s\nmax_lag: 1s\n", 2, "max_lag", "≥ late_after"},
		{"payload: json\ntemplate: '{\"a\":{{bogus}}}'\n", 2, "template", "{{bogus}}"},
		{"- 1\n- 2\n", 1, "workload", "mapping"},
		{"duration: -1s\n", 1, "duration", "≥ 0"},
		{"backpressure: drop\n", 1, "backpressure", "auto or block"},
	}
	for _, c := range cases {
		_, err := LoadSpec("w.yaml", []byte(c.yaml))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%q: error %v, want a FieldError", c.yaml, err)
			continue
		}
		if fe.File != "w.yaml" || fe.Line != c.line || fe.Field != c.field || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%q:\n got %v (line %d field %q)\nwant w.yaml:%d: %s: …%s…", c.yaml, err, fe.Line, fe.Field, c.line, c.field, c.text)
		}
	}
	if _, err := LoadSpec("w.yaml", []byte("keys: [unclosed\n")); err == nil || !strings.Contains(err.Error(), "w.yaml") || !strings.Contains(err.Error(), "line") {
		t.Errorf("YAML syntax error: %v, want file and line", err)
	}
}

// overrides applies "--field value" pairs as a command line does (--workload names the file) and
// returns the Overrides with the first error naming the flag whose value Set refused.
func overrides(args []string) (*Overrides, error) {
	o := NewOverrides(DefaultSpec())
	for i := 0; i+1 < len(args); i += 2 {
		name := strings.TrimPrefix(args[i], "--")
		if name == "workload" {
			o.File = args[i+1]
			continue
		}
		if err := o.Set(strings.ReplaceAll(name, "-", "_"), args[i+1]); err != nil {
			return o, fmt.Errorf("-%s: %w", name, err)
		}
	}
	return o, nil
}

func TestFlags(t *testing.T) {
	f, err := overrides([]string{"--keys", "zipf:1.1:1000", "--shape", "steps:1000@30s,5000@30s", "--record-size", "normal:500:100",
		"--payload", "json", "--seed", "7", "--rate", "10k", "--duration", "1m"})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := f.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if spec.Keys.String() != "zipf:1.1:1000" || spec.ShapeString() != "steps:1000@30s,5000@30s" || spec.Size.String() != "normal:500:100" ||
		spec.Payload.Kind != PayloadJSON || spec.Seed != 7 || spec.Rate != 10000 || spec.Duration != time.Minute {
		t.Fatalf("from flags: %+v", spec)
	}

	for args, want := range map[string]string{
		"--keys zipf:0:10":       "-keys",
		"--shape sine:1:2:3s":    "-shape",
		"--record-size lots":     "-record-size",
		"--payload xml":          "-payload",
		"--max-lag soon":         "-max-lag",
		"--backpressure maybe":   "-backpressure",
		"--seed -1":              "-seed",
		"--max-record-bytes 100": "-max-record-bytes",
	} {
		_, err := overrides(strings.Fields(args))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %s", args, err, want)
		}
	}
	// Cross-field errors name the flag that set the field.
	if f, err = overrides([]string{"--max-record-bytes", "1024", "--record-size", "5000"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Spec(); err == nil || !strings.HasPrefix(err.Error(), "--record-size: ") {
		t.Errorf("cross-field: %v, want it to name --record-size", err)
	}
}

func TestFlagsOverrideFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.yaml")
	if err := os.WriteFile(path, []byte("keys: pool:10\nrate: 50\nmax_record_bytes: 1024\nrecord_size: 1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := overrides([]string{"--workload", path, "--rate", "75"})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := f.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if spec.Keys.String() != "pool:10" || spec.Rate != 75 {
		t.Fatalf("file + flag: keys %s rate %g", spec.Keys, spec.Rate)
	}
	// A bad combination from the file is reported at its line; a flag may fix it first.
	f, _ = overrides([]string{"--workload", path, "--max-record-bytes", "900"})
	if _, err := f.Spec(); err == nil || !strings.Contains(err.Error(), path+":4: record_size") {
		t.Errorf("file size vs flag limit: %v, want %s:4: record_size", err, path)
	}
	f, _ = overrides([]string{"--workload", path, "--record-size", "100", "--max-record-bytes", "900"})
	if _, err := f.Spec(); err != nil {
		t.Errorf("flag fixing the file: %v", err)
	}
}

func TestCompactFormsRoundTrip(t *testing.T) {
	for _, s := range append(shapeCases[2:], "constant:1000", "ramp:1.5-2k:1h30m", "steps:1M@500ms") {
		p := mustShape(t, s)
		q, err := ParseShape(p.String())
		if err != nil || q.String() != p.String() {
			t.Errorf("shape %s → %s → %v, %v", s, p, q, err)
		}
	}
	for _, s := range []string{"random", "pool:10", "zipf:0.99:100", "hot:0.25", "hot:0.25:seq:5", "seq", "seq:9", "ehk", "shard:3", "shard:shardId-000000000001"} {
		if k := mustKeys(t, s); k.String() != s {
			t.Errorf("keys %s → %s", s, k)
		}
	}
	for _, s := range []string{"auto", "100", "uniform:1-9", "normal:5.5:1", "lognormal:100:50"} {
		if z, err := ParseSize(s); err != nil || z.String() != s {
			t.Errorf("size %s → %s, %v", s, z, err)
		}
	}
	for _, s := range []string{"random", "json", `json:{"a":"{{name}}"}`, "file:/tmp/x"} {
		if p, err := ParsePayload(s); err != nil || p.String() != s {
			t.Errorf("payload %s → %s, %v", s, p, err)
		}
	}
}
