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

// `shardstorm run --headless --verify` with the built binary, over the embedded emulator's
// socket: the read-back's progress on stderr, its section in the summary and the report, exit 0.
func TestHeadlessVerifyRun(t *testing.T) {
	bin := buildBinary(t)
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runBinary(t, bin, "run", "--headless", "--duration", "2s", "--rate", "500", "--verify", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "verifying: reading shardstorm-demo back") || !strings.Contains(errOut, "verifying: read 4/4 shards") {
		t.Fatalf("no read-back progress on stderr:\n%s", errOut)
	}
	for _, want := range []string{"Read-back (--verify, run ", "27-byte envelope", "0 missing, 0 anomalies, 0 unaccounted", "GetRecords"} {
		if !strings.Contains(out, want) {
			t.Fatalf("summary lacks %q:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var sum metrics.Summary
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	v := sum.Verify
	if v == nil || v.Records == 0 || v.Acknowledged.Found != v.Records || v.Missing != 0 || v.Cost.Shards != 4 {
		t.Fatalf("report's verify section: %+v", v)
	}
}

// Data loss exits 1 and says so: a standalone emulator that keeps only 20 records a shard (a
// retention shorter than the run) has lost acknowledged records by the read-back.
func TestHeadlessVerifyReportsDataLoss(t *testing.T) {
	bin := buildBinary(t)
	addr := startEmulatorBinary(t, bin, "--stream", "orders:2", "--retain-records", "20").addr
	offlineAWS(t)
	code, out, errOut := runBinary(t, bin, "run", "--headless", "--endpoint", "http://"+addr, "--region", "us-east-1", "--stream", "orders",
		"--duration", "2s", "--rate", "200", "--aggregation=false", "--no-cloudwatch", "--verify")
	if code != 1 || !strings.Contains(errOut, "data loss: ") || !strings.Contains(errOut, "acknowledged records are not in the stream") {
		t.Fatalf("exit %d, want 1 with a data-loss message\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "(MISSING: data loss)") || !strings.Contains(out, "verdict") {
		t.Fatalf("the summary does not show the loss:\n%s", out)
	}
}
