package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSelectCells(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{"1p-100b/putrecords", []string{"1p-100b/putrecords"}},
		{"4p", []string{"4p/putrecord", "4p/putrecords", "4p/kpl", "4p/shardstorm"}},
		{"*/shardstorm", []string{"1p-100b/shardstorm", "1p-1kb/shardstorm", "4p/shardstorm", "hotkey/shardstorm", "overload/shardstorm"}},
		// Matrix order, each cell once, whatever the order and overlap of the patterns.
		{"overload/kpl, 1p-1kb/kpl,overload/*", []string{"1p-1kb/kpl", "overload/putrecord", "overload/putrecords", "overload/kpl", "overload/shardstorm"}},
	} {
		cells, err := selectCells(tc.spec)
		if err != nil {
			t.Fatalf("%q: %v", tc.spec, err)
		}
		var got []string
		for _, c := range cells {
			got = append(got, c.Name())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q selects %v, want %v", tc.spec, got, tc.want)
		}
	}
	for _, all := range []string{"", "all", " "} {
		if cells, err := selectCells(all); err != nil || len(cells) != len(situations)*len(contenderInfo) || len(cells) != 20 {
			t.Errorf("%q selects %d cells (%v), want the whole matrix of 20", all, len(cells), err)
		}
	}
}

func TestSelectCellsNamesWhatIsWrong(t *testing.T) {
	for spec, want := range map[string]string{
		"2p/kpl":              `unknown situation "2p"; want one of 1p-100b, 1p-1kb, 4p, hotkey, overload`,
		"1p-100b/kinesis":     `unknown contender "kinesis"; want one of kpl, putrecord, putrecords, shardstorm`,
		"/kpl":                `unknown situation ""`,
		"4p,":                 `unknown situation ""`,
		"1p-100b/putrecords/": `unknown contender "putrecords/"`,
	} {
		_, err := selectCells(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to say %q", spec, err, want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Cells) != 20 || o.Duration != 30*time.Second || o.Drain != 10*time.Second || o.Warmup != 5*time.Second ||
		o.Shards != 8 || o.Out != "bench/results/latest" {
		t.Fatalf("defaults: %+v", o)
	}
	o, err = parseOptions([]string{"-cell", "1p-100b/putrecords", "-duration", "60s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Cells) != 1 || o.Warmup != 5*time.Second || o.Out != "bench/results/partial" {
		t.Fatalf("one cell for 60 s: %+v", o)
	}
	if o, err = parseOptions([]string{"-duration", "10s"}, io.Discard); err != nil || o.Warmup != 2*time.Second {
		t.Fatalf("a short run warms up for a fifth of it: %v %v", o.Warmup, err)
	}
}

func TestParseOptionsRefusesBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-duration", "500ms"}, "-duration 500ms: want 1s..1h"},
		{[]string{"-duration", "5s", "-warmup", "5s"}, "-warmup 5s: want less than -duration"},
		{[]string{"-shards", "0", "-workers", "0"}, "-shards 0: want 1..500\n-workers 0: want 1..1024"},
		{[]string{"-queue", "-1"}, "-queue -1"},
		{[]string{"-drain", "-1s"}, "-drain -1s"},
		{[]string{"-cell", "nope"}, `unknown situation "nope"`},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-duration", "soon"}, `invalid value "soon"`},
		{[]string{"-nosuchflag"}, "flag provided but not defined: -nosuchflag"},
	} {
		_, err := parseOptions(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to say %q", tc.args, err, tc.want)
		}
	}
	if _, err := parseOptions([]string{"-help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-help: %v", err)
	}
}

func TestOrchestrateExitCodes(t *testing.T) {
	var stderr strings.Builder
	if code := orchestrate(t.Context(), []string{"-cell", "bogus"}, io.Discard, &stderr); code != 2 {
		t.Fatalf("bad flags exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), `bench: -cell "bogus": unknown situation`) {
		t.Fatalf("stderr: %q", stderr.String())
	}
	if code := orchestrate(t.Context(), []string{"-help"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("-help exits %d, want 0", code)
	}
}
