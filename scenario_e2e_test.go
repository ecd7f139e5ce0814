//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// A headless run of the internal-failures scenario: the embedded emulator fails records, and the
// producer retries them all.
func TestHeadlessInternalFailuresScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runBinary(t, bin, "--scenario", "internal-failures", "--headless", "--duration", "3s", "--rate", "2000",
		"--progress-every", "1s", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r reportWithTruth
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if r.Config.Emulator["internal_failures"] == 0 || !r.Accounting.Holds {
		t.Fatalf("want internal failures injected and the accounting holding: emulator %v, accounting %+v", r.Config.Emulator, r.Accounting)
	}
}
