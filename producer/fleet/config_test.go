package fleet_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/producer/fleet"
)

func TestValidateNamesTheBadField(t *testing.T) {
	for field, mutate := range map[string]func(*fleet.Config){
		"StreamName":     func(c *fleet.Config) { c.StreamName = "" },
		"API":            func(c *fleet.Config) { c.API = "PutItem" },
		"Clients":        func(c *fleet.Config) { c.Clients = 0 },
		"Threads":        func(c *fleet.Config) { c.Threads = 0 },
		"Batch":          func(c *fleet.Config) { c.Batch = 501 },
		"Interval":       func(c *fleet.Config) { c.Interval = -time.Second },
		"Buffer":         func(c *fleet.Config) { c.Buffer = 0 },
		"RequestTimeout": func(c *fleet.Config) { c.RequestTimeout = 0 },
		"RecordTtl":      func(c *fleet.Config) { c.RecordTtl = -1 },
		"Connectivity":   func(c *fleet.Config) { c.Connectivity = fleet.Connectivity{Kind: "flaky"} },
	} {
		cfg := baseConfig(3)
		mutate(&cfg)
		errs := producer.ConfigErrors(cfg.Validate())
		if len(errs) != 1 || errs[0].Field != field || !strings.Contains(errs[0].Error(), field) {
			t.Errorf("%s: %v", field, errs)
		}
	}
	if err := baseConfig(3).Validate(); err != nil {
		t.Fatal(err)
	}
	cfg := baseConfig(1)
	cfg.API, cfg.Batch = fleet.PutRecord, 10
	if errs := producer.ConfigErrors(cfg.Validate()); len(errs) != 1 || errs[0].Field != "Batch" {
		t.Errorf("PutRecord with Batch 10: %v", errs)
	}
}

func TestParseConnectivity(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    fleet.Connectivity
		errWith string
	}{
		{in: "always", want: fleet.Connectivity{Kind: "always"}},
		{in: "flaky:30s/5s", want: fleet.Connectivity{Kind: "flaky", Up: 30 * time.Second, Down: 5 * time.Second}},
		{in: "outage:5s:10s", want: fleet.Connectivity{Kind: "outage", At: 5 * time.Second, For: 10 * time.Second}},
		{in: "outage:0s:1m", want: fleet.Connectivity{Kind: "outage", For: time.Minute}},
		{in: "", errWith: "want always"},
		{in: "sometimes", errWith: "want always, flaky:UP/DOWN or outage:AT:FOR"},
		{in: "always:1s", errWith: "always takes no arguments"},
		{in: "flaky:30s", errWith: "flaky needs UP/DOWN"},
		{in: "flaky:30s/x", errWith: `DOWN "x" is not a duration`},
		{in: "flaky:0s/5s", errWith: "positive UP and DOWN"},
		{in: "outage:5s", errWith: "outage needs AT:FOR"},
		{in: "outage:soon:10s", errWith: `AT "soon" is not a duration`},
		{in: "outage:5s:0s", errWith: "FOR > 0"},
		{in: "outage:-1s:5s", errWith: "AT ≥ 0"},
	} {
		got, err := fleet.ParseConnectivity(tc.in)
		switch {
		case tc.errWith == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %+v, %v; want %+v", tc.in, got, err, tc.want)
		case tc.errWith != "" && (err == nil || !strings.Contains(err.Error(), tc.errWith) || !strings.Contains(err.Error(), tc.in)):
			t.Errorf("%q: error %v, want one quoting the input and saying %q", tc.in, err, tc.errWith)
		}
		if err == nil && got.String() != tc.in && tc.in != "outage:0s:1m" {
			t.Errorf("%q prints as %q", tc.in, got.String())
		}
	}
}

// ParseConnectivity never panics, and what it accepts validates.
func FuzzParseConnectivity(f *testing.F) {
	for _, s := range []string{"always", "flaky:30s/5s", "outage:5s:10s", "flaky:/", "outage::", "flaky:1ns/1ns", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := fleet.ParseConnectivity(s)
		if err != nil {
			return
		}
		cfg := baseConfig(1)
		cfg.Connectivity = c
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%q parsed to %+v, which does not validate: %v", s, c, err)
		}
	})
}
