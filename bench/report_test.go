package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixedReport is a small run with one good cell, one failed cell and one that lost a record.
func fixedReport() Report {
	good := CellResult{Cell: "1p-100b/shardstorm", Situation: "1p-100b", Contender: ContenderShardstorm, Producers: 1, Shards: 8,
		DataBytes: 100, MeanRecordBytes: 107.9, OfferedRecordsPerSec: 116628, OfferedMiBPerSec: 12, WindowSeconds: 25,
		DeliveredMiBPerSec: 7.94, ByteCapacityPct: 99.25, DeliveredRecordsPerSec: 72407, RecordBoundPct: 905.1,
		ThrottledFraction: 0.02, WriteRequests: 2976, CPUSeconds: 15.2, CPUSecondsPerMillion: 8.4, EmulatorCPUSeconds: 4.1,
		PeakRSSMiB: 137, LatencyP50Ms: 1156, LatencyP99Ms: 2018,
		Buckets:    Buckets{Generated: 3_000_000, Delivered: 1_810_000, NotSentFull: 1_190_000},
		Accounting: Accounting{Accounted: true, GroundTruth: 1_810_000}}
	lost := CellResult{Cell: "1p-100b/putrecords", Situation: "1p-100b", Contender: ContenderPutRecords, Producers: 1, Shards: 8,
		DeliveredMiBPerSec: 0.82, ByteCapacityPct: 10.3, DeliveredRecordsPerSec: 7999, RecordBoundPct: 100, ThrottledFraction: 0.976,
		Buckets:    Buckets{Generated: 10, Delivered: 9},
		Accounting: account(Buckets{Generated: 10, Delivered: 9}, 9), LastError: "ProvisionedThroughputExceededException | rate"}
	broken := CellResult{Cell: "1p-100b/kpl", Situation: "1p-100b", Contender: ContenderKPL, Error: "contender process exited during set-up: boom"}
	cells := []CellResult{good, broken, lost}
	return Report{
		Machine: Machine{CPU: "AMD EPYC", Cores: 2, MemoryGiB: "23.5", OS: "linux/amd64", Kernel: "6.1", Go: "go1.26.8"},
		Command: "go run ./bench -cell 1p-100b", Started: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), WallSeconds: 754,
		LoadAverageStart: "0.10", LoadAverageEnd: "1.90",
		Settings: Settings{Cells: "1p-100b", DurationSeconds: 30, DrainSeconds: 10, WarmupSeconds: 5, Shards: 8, Workers: 24, Queue: 10000, Seed: 1},
		Cells:    cells, Targets: evaluateTargets(cells),
	}
}

func TestMarkdownShowsMachineTargetsAndEveryCell(t *testing.T) {
	md := renderMarkdown(fixedReport())
	for _, want := range []string{
		"Ran 2026-05-01 12:00 UTC on **AMD EPYC, 2 cores, 23.5 GiB**, linux/amd64 (kernel 6.1), go1.26.8. Wall time of the run: 12m34s.",
		"Load average (1 min): 0.10 at the start, 1.90 at the end",
		"Command: `go run ./bench -cell 1p-100b`",
		"| shardstorm ≥ 95 % of byte capacity (1p-100b) | **PASS** | 99.2 % (7.94 MiB/s of 8 MiB/s) |",
		"| shardstorm ≥ 8× the user records/s of putrecords at 100 bytes | **PASS** | 9.1× (72,407 vs 7,999 records/s) |",
		"| every record accounted for in every cell run | **FAIL** | 2 of 3 cells not accounted for (first: 1p-100b/kpl) |",
		"| shardstorm ≥ 95 % of byte capacity (4p) | **NOT RUN** |",
		"Physical limit: **8 MiB/s and 8,000 records/s**",
		"each cell offers load for 30s",
		"Offered 116,628 user records/s (12.00 MiB/s; 107.9 bytes per record with its key) by 1 process(es).",
		"| `shardstorm` | 7.94 | 99.2 % | 72,407 | 905 % | 2.0 % | 2,976 | 15.2 | 8.4 | 4.1 | 137 | 1,156 / 2,018 | 0 / 0 | 1,190,000 | 0 | yes |",
		"| `kpl` | cell failed: contender process exited during set-up: boom |",
		"**no**: buckets sum to 9, but 10 records were generated (-1)",
		"`putrecords` last error: ProvisionedThroughputExceededException \\| rate",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(md)
	}
	// Cells are listed in contender order whatever order they ran in.
	if strings.Index(md, "| `putrecords` |") > strings.Index(md, "| `kpl` |") || strings.Index(md, "| `kpl` |") > strings.Index(md, "| `shardstorm` |") {
		t.Error("cells out of contender order")
	}
}

func TestWriteFilesRoundTrips(t *testing.T) {
	base := filepath.Join(t.TempDir(), "results", "latest")
	rep := fixedReport()
	if err := writeFiles(base, rep); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Cells) != 3 || back.Cells[2].Buckets != rep.Cells[2].Buckets || back.Targets[0] != rep.Targets[0] || back.Machine != rep.Machine {
		t.Fatalf("JSON does not round-trip: %+v", back)
	}
	for _, key := range []string{`"delivered_user_records_per_sec": 72407`, `"byte_capacity_pct": 99.25`, `"not_sent_full": 1190000`, `"accounted": true`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	md, err := os.ReadFile(base + ".md")
	if err != nil || string(md) != renderMarkdown(rep) {
		t.Fatalf("markdown file differs from the rendering (%v)", err)
	}
}

func TestFormatFloat(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567.891: "1,234,567.9", -12345: "-12,345", 0.5: "0.5"} {
		d := 0
		if v != float64(int64(v)) {
			d = 1
		}
		if got := formatFloat(v, d); got != want {
			t.Errorf("formatFloat(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestRenderAgainFromJSON(t *testing.T) {
	base := filepath.Join(t.TempDir(), "latest")
	rep := fixedReport()
	if err := writeFiles(base, rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".md", []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	if code := orchestrate(t.Context(), []string{"-render", base + ".json"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	md, err := os.ReadFile(base + ".md")
	if err != nil || string(md) != renderMarkdown(rep) {
		t.Fatalf("-render did not write the report's Markdown (%v)", err)
	}
	for file, want := range map[string]string{base + ".missing.json": "no such file", base + ".md": "invalid character"} {
		stderr.Reset()
		if code := orchestrate(t.Context(), []string{"-render", file}, io.Discard, &stderr); code != 1 || !strings.Contains(stderr.String(), want) {
			t.Errorf("-render %s: exit %d, %q; want 1 and %q", file, code, stderr.String(), want)
		}
	}
}
