//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/metrics"
)

// The command a person types from AWS's troubleshooting page: 1,064-byte records by PutRecord
// into one shard at 1,500/s. The report names PutRecord's rounding and PutRecords as the fix;
// the accounting holds. (The figures themselves are asserted on virtual time in internal/app.)
func TestHeadlessPutRecordRunNamesTheRounding(t *testing.T) {
	bin := buildBinary(t)
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runBinary(t, bin, "run", "--headless", "--producer", "putrecord", "--shards", "1", "--record-size", "1064",
		"--rate", "1500", "--keys", "random", "--duration", "8s", "--progress-every", "2s", "--report", report, "--max-failed", "100000000")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "producer    putrecord") || !strings.Contains(out, "PutRecord's 1 KiB rounding") {
		t.Fatalf("the summary lacks the producer or the finding:\n%s", out)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	validateReport(t, raw)
	var sum metrics.Summary
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Producer != "putrecord" || sum.Fleet == nil || sum.Fleet.Clients != 1 || !sum.Accounting.Holds {
		t.Fatalf("report: producer %q, fleet %+v, accounting %+v", sum.Producer, sum.Fleet, sum.Accounting)
	}
	for _, f := range sum.Findings {
		if f.Rule == "putrecord-rounding" && strings.Contains(f.Summary, "2 KiB") && strings.Contains(f.Advice, "Send with PutRecords") {
			return
		}
	}
	t.Fatalf("the report's findings lack PutRecord's rounding: %+v", sum.Findings)
}
