//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Where a person meets the advisor: a headless run prints each finding with its advice as it is
// raised, and the JSON report keeps it (schema-valid); in the dashboard, the Findings view shows
// the hot key, and pressing k to spread the keys clears it.

func TestHeadlessRunPrintsAndReportsFindings(t *testing.T) {
	bin := buildBinary(t)
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runBinary(t, bin, "--scenario", "hot-key", "--headless", "--duration", "8s", "--progress-every", "1s", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "finding [") || !strings.Contains(errOut, "Hot partition key") || !strings.Contains(errOut, "advice: A partition key always lands on one shard") {
		t.Fatalf("the progress lines lack the hot-key finding and its advice:\n%s", errOut)
	}
	if !strings.Contains(out, "Findings (the advisor's") || !strings.Contains(out, `key "hot" sends`) {
		t.Fatalf("the summary lacks the findings:\n%s", out)
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
	for _, f := range sum.Findings {
		if f.Rule == "hot-shard" && f.Key == "hot" && f.ShardID != "" && f.Advice != "" && !f.FirstSeen.IsZero() {
			return
		}
	}
	t.Fatalf("the report's findings lack the hot key: %+v", sum.Findings)
}

func TestDashboardFindingsClearWhenKeysSpread(t *testing.T) {
	bin := buildBinary(t)
	term := newTerminal(t, 120, 40, fmt.Sprintf("%q --scenario hot-key --no-cloudwatch", bin))
	term.waitFor("the dashboard to start", 30*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
	term.send("4")
	hotFinding := func(s string) bool {
		return strings.Contains(s, "WARNING Hot partition key") || strings.Contains(s, "CRITICAL Hot partition key")
	}
	screen := term.waitFor("the hot-key finding", 15*time.Second, hotFinding)
	if !strings.Contains(screen, `key "hot" sends`) {
		t.Fatalf("the finding does not name the key:\n%s", screen)
	}
	term.send("k") // the next key strategy spreads the keys
	term.waitFor("the hot-key finding to clear", 20*time.Second, func(s string) bool { return !hotFinding(s) })
	term.send("q")
	term.waitExit(30 * time.Second)
}
