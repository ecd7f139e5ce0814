package workload

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzCompactForms feeds any text to every compact-form parser: none may panic, every error
// must quote the input it refused, and whatever parses must print a form that parses again to
// the same thing.
func FuzzCompactForms(f *testing.F) {
	for _, s := range []string{"constant:1000", "ramp:1000-10000:60s", "steps:1000@30s,5000@1m", "sine:5:2:1s",
		"periodic:1-2:1h", "bursts:1:2:3s:1s", "zipf:1.1:1000", "hot:0.3:pool:10", "pool:1000", "random", "seq:3",
		"ehk", "shard:3", "uniform:100-1000", "normal:500:100", "lognormal:5:1", "json", `json:{"a":{{int:1:2}}}`,
		"file:/tmp/x", "ramp:1e-3-2:1s", "", ":", "hot:", "steps:,", "1e400", "zipf:nan:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		quoted := fmt.Sprintf("%q", s)
		check := func(what string, str func() string, err error, reparse func(string) (string, error)) {
			if err != nil {
				if !strings.Contains(err.Error(), quoted) {
					t.Fatalf("%s error %q does not quote the input %s", what, err, quoted)
				}
				return
			}
			again, err := reparse(str())
			if err != nil || again != str() {
				t.Fatalf("%s %s prints %q, which reads back as %q, %v", what, quoted, str(), again, err)
			}
		}
		p, err := ParseShape(s)
		check("shape", func() string { return p.String() }, err, func(x string) (string, error) {
			q, err := ParseShape(x)
			if err != nil {
				return "", err
			}
			return q.String(), nil
		})
		k, err := ParseKeys(s)
		check("keys", k.String, err, func(x string) (string, error) { q, err := ParseKeys(x); return q.String(), err })
		z, err := ParseSize(s)
		check("size", z.String, err, func(x string) (string, error) { q, err := ParseSize(x); return q.String(), err })
		pl, err := ParsePayload(s)
		check("payload", pl.String, err, func(x string) (string, error) { q, err := ParsePayload(x); return q.String(), err })
	})
}

// FuzzLoadSpec feeds any bytes to the YAML loader: no panics, and errors name the file.
func FuzzLoadSpec(f *testing.F) {
	f.Add([]byte("seed: 1\nkeys: zipf:1.1:10\nshape: ramp:1-2:1s\n"))
	f.Add([]byte("payload: json\ntemplate: '{\"a\":\"{{name}}\"}'\n"))
	f.Add([]byte("keys: [1, 2\n"))
	f.Add([]byte("a: &x 1\nb: *x\n"))
	f.Add([]byte("max_record_bytes: 300\nrecord_size: normal:200:100\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := LoadSpec("fuzz.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := spec.Validate(); err != nil {
			t.Fatalf("loaded spec does not validate: %v", err)
		}
	})
}
