package main

import (
	"errors"
	"flag"
	"io"
	"slices"
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
		// The fleet has contenders of its own, after the matrix's 20 cells.
		{"fleet", []string{"fleet/putrecords", "fleet/putrecords-nobackoff", "fleet/putrecord"}},
		{"fleet/putrecord", []string{"fleet/putrecord"}},
		{"*/putrecords-nobackoff", []string{"fleet/putrecords-nobackoff"}},
		{"*/putrecords", []string{"1p-100b/putrecords", "1p-1kb/putrecords", "4p/putrecords", "hotkey/putrecords", "overload/putrecords", "fleet/putrecords"}},
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
		cells, err := selectCells(all)
		// The matrix's 20 cells (five situations × the four contenders), then the fleet's 3.
		if err != nil || len(cells) != (len(situations)-1)*len(contenderInfo)+len(fleetSituation.Contenders) || len(cells) != 23 {
			t.Errorf("%q selects %d cells (%v), want the whole matrix of 20 and the fleet's 3", all, len(cells), err)
			continue
		}
		var matrix []string
		for _, c := range cells[:20] {
			if c.Situation.Fleet != nil || !slices.ContainsFunc(contenderInfo, func(e contenderEntry) bool { return e.Name == c.Contender }) {
				t.Errorf("%q: %s among the matrix's 20 cells", all, c.Name())
			}
			matrix = append(matrix, c.Name())
		}
		if matrix[0] != "1p-100b/putrecord" || matrix[19] != "overload/shardstorm" {
			t.Errorf("%q: the matrix's cells %v", all, matrix)
		}
		if got := cells[20].Name() + " " + cells[21].Name() + " " + cells[22].Name(); got != "fleet/putrecords fleet/putrecords-nobackoff fleet/putrecord" {
			t.Errorf("%q: the fleet's cells %s", all, got)
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
		// A situation offers its own contenders only.
		"fleet/kpl":               `-cell "fleet/kpl": unknown contender "kpl"; want one of putrecord, putrecords, putrecords-nobackoff (or *)`,
		"4p/putrecords-nobackoff": `unknown contender "putrecords-nobackoff"; want one of kpl, putrecord, putrecords, shardstorm (or *)`,
		"*/kinesis":               `unknown contender "kinesis"; want one of kpl, putrecord, putrecords, putrecords-nobackoff, shardstorm (or *)`,
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
	if len(o.Cells) != 20+3 || o.Duration != 30*time.Second || o.Drain != 10*time.Second || o.Warmup != 5*time.Second ||
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
	if o, err = parseOptions([]string{"-cell", "fleet/putrecords"}, io.Discard); err != nil || len(o.Cells) != 1 || o.Cells[0].Name() != "fleet/putrecords" || o.Out != "bench/results/partial" {
		t.Fatalf("one fleet cell: %+v %v", o, err)
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
		{[]string{"-cell", "fleet/shardstorm"}, `-cell "fleet/shardstorm": unknown contender "shardstorm"`},
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
	stderr.Reset()
	if code := orchestrate(t.Context(), []string{"-cell", "fleet/kpl"}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), `bench: -cell "fleet/kpl": unknown contender "kpl"`) {
		t.Fatalf("a contender the fleet does not have: exit %d, stderr %q", code, stderr.String())
	}
	if code := orchestrate(t.Context(), []string{"-help"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("-help exits %d, want 0", code)
	}
}
