//go:build unix

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shardstorm/shardstorm/metrics"
)

// TestDashboardInTmux runs the built binary as a person would — `shardstorm` with no arguments,
// in a real terminal (tmux, 120×40) against the embedded emulator — and reads the screen: the
// shard table fills with non-zero figures, `+` raises the target rate shown in the header, and
// `q` exits 0 leaving the run's summary on the terminal.
func TestDashboardInTmux(t *testing.T) {
	bin := buildBinary(t)
	// The run also serves Prometheus metrics and leaves a JSON report and a CSV behind.
	dir := t.TempDir()
	report, csvPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "series.csv")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	term := newTerminal(t, 120, 40, fmt.Sprintf("%q --metrics-addr %s --report %q --csv %q", bin, metricsAddr, report, csvPath))

	// Keys typed before the first frame would be lost: wait for the key hint line.
	term.waitFor("the dashboard to start", 30*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })

	// The Shards view lists the four shards with live, non-zero figures.
	term.send("2")
	term.waitFor("the shard table to fill", 30*time.Second, func(s string) bool { return shardRowsAtLeast(s, 0) == 4 })

	// + multiplies the target rate by 1.25: the header shows the new target.
	before := targetRate(t, term.screen())
	term.send("+")
	term.waitFor("the target rate to rise", 30*time.Second, func(s string) bool { return targetRate(t, s) > before })

	// While it runs, the Prometheus endpoint serves per-shard values the official parser reads.
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("the /metrics exposition does not parse: %v", err)
	}
	shardSeries := 0
	for name, f := range fams {
		if strings.HasPrefix(name, "shardstorm_shard_") {
			shardSeries += len(f.Metric)
		}
	}
	if shardSeries == 0 {
		t.Fatalf("no per-shard series among %d families", len(fams))
	}

	term.send("q")
	final := term.waitExit(30 * time.Second)
	for _, want := range []string{"shardstorm run on shardstorm-demo", "delivered", "accounting", "holds"} {
		if !strings.Contains(final, want) {
			t.Fatalf("the summary lacks %q; screen:\n%s", want, final)
		}
	}

	// The JSON report validates against its documented schema and its accounting holds.
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	validateReport(t, raw)
	var sum metrics.Summary
	if err := json.Unmarshal(raw, &sum); err != nil || !sum.Accounting.Holds || sum.Accounting.Acknowledged == 0 {
		t.Fatalf("report accounting %+v (%v)", sum.Accounting, err)
	}
	// The CSV holds the run's series, long format.
	rows, err := csv.NewReader(mustOpen(t, csvPath)).ReadAll()
	if err != nil || len(rows) < 100 || strings.Join(rows[0], ",") != "time,stream,shard,series,value" {
		t.Fatalf("CSV: %d rows, header %v, %v", len(rows), rows[0], err)
	}
}

// validateReport fails the test unless raw matches the report's documented JSON Schema.
func validateReport(t *testing.T, raw []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	schema, _ := jsonschema.UnmarshalJSON(bytes.NewReader(metrics.SummarySchema()))
	c := jsonschema.NewCompiler()
	if err := c.AddResource("summary.schema.json", schema); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("summary.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the report does not match its schema: %v", err)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// targetRate reads the target rate from the header ("target 6000/s" or "target 6.0k/s").
func targetRate(t *testing.T, screen string) float64 {
	m := regexp.MustCompile(`target\s+([0-9.]+)(k?)`).FindStringSubmatch(screen)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "k" {
		v *= 1000
	}
	return v
}
