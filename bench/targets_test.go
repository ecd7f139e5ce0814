package main

import (
	"strings"
	"testing"
)

func boolPtr(b bool) *bool { return &b }

// matrixOf returns an accounted cell for every cell of the matrix, adjusted by set.
func matrixOf(set func(name string, c *CellResult)) []CellResult {
	var out []CellResult
	for _, cell := range allCells() {
		c := CellResult{Cell: cell.Name(), Situation: cell.Situation.Name, Contender: cell.Contender, Shards: 8,
			Accounting: Accounting{Accounted: true}, RSS: RSSGrowth{Bounded: boolPtr(true)}}
		set(cell.Name(), &c)
		out = append(out, c)
	}
	return out
}

func verdicts(ts []Target) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, t.Verdict)
	}
	return strings.Join(parts, " ")
}

func TestTargetsPassAtTheirThresholds(t *testing.T) {
	cells := matrixOf(func(name string, c *CellResult) {
		switch name {
		case "1p-100b/shardstorm":
			c.ByteCapacityPct, c.DeliveredRecordsPerSec = 95, 64000
			c.Buckets.Delivered, c.CPUSeconds, c.CPUSecondsPerMillion = 2_000_000, 5, 2.5
		case "1p-100b/putrecords":
			c.DeliveredRecordsPerSec = 8000
		case "1p-1kb/shardstorm":
			c.ByteCapacityPct = 99
		case "4p/kpl":
			c.ThrottledFraction = 0.5
		case "4p/shardstorm":
			c.ByteCapacityPct, c.ThrottledFraction = 99, 0.49
		case "overload/shardstorm":
			c.PeakRSSMiB = 128
		}
	})
	ts := evaluateTargets(cells)
	if got := verdicts(ts); got != "PASS PASS PASS PASS PASS PASS PASS PASS PASS" {
		t.Fatalf("verdicts %s: %+v", got, ts)
	}
	if len(failed(ts)) != 0 {
		t.Fatal("nothing failed")
	}
}

func TestTargetsFailJustBelowTheirThresholds(t *testing.T) {
	cells := matrixOf(func(name string, c *CellResult) {
		switch name {
		case "1p-100b/shardstorm":
			c.ByteCapacityPct, c.DeliveredRecordsPerSec = 94.9, 63999
			c.Buckets.Delivered, c.CPUSeconds, c.CPUSecondsPerMillion = 2_000_000, 5.02, 2.51
		case "1p-100b/putrecords":
			c.DeliveredRecordsPerSec = 8000
		case "4p/kpl", "4p/shardstorm":
			c.ThrottledFraction = 0.2 // equal is not below
		case "overload/shardstorm":
			c.RSS = RSSGrowth{FirstHalfPeakMiB: 100, SecondHalfPeakMiB: 400, Bounded: boolPtr(false)}
			c.PeakRSSMiB = 128.1
		case "hotkey/kpl":
			c.Accounting = account(Buckets{Generated: 2, Delivered: 1}, 1)
		}
	})
	ts := evaluateTargets(cells)
	if got := verdicts(ts); got != "FAIL FAIL FAIL FAIL FAIL FAIL FAIL FAIL FAIL" {
		t.Fatalf("verdicts %s: %+v", got, ts)
	}
	if !strings.Contains(ts[4].Detail, "RSS peak 100 MiB in the first half of the load, 400 MiB in the second") ||
		!strings.Contains(ts[5].Detail, "8.0× (63,999 vs 8,000 records/s)") ||
		ts[6].Detail != "1 of 23 cells not accounted for (first: hotkey/kpl)" ||
		ts[7].Detail != "2.51 CPU s per M (5.0 CPU s for 2,000,000 records delivered)" ||
		ts[8].Name != "shardstorm's peak RSS under overload ≤ MaxBufferedBytes + 64 MiB (128 MiB)" || ts[8].Detail != "peak RSS 128.1 MiB" {
		t.Fatalf("details: %+v", ts)
	}
}

func TestTargetsOfCellsNotRunOrFailed(t *testing.T) {
	ts := evaluateTargets([]CellResult{
		{Cell: "1p-100b/shardstorm", Situation: "1p-100b", Contender: ContenderShardstorm, Error: "boom"},
		{Cell: "overload/shardstorm", Situation: "overload", Contender: ContenderShardstorm, Accounting: Accounting{Accounted: true}},
	})
	if got := verdicts(ts); got != "FAIL NOT RUN NOT RUN NOT RUN NOT RUN FAIL FAIL FAIL NOT RUN" {
		t.Fatalf("verdicts %s: %+v", got, ts)
	}
	if ts[0].Detail != "cell 1p-100b/shardstorm failed: boom" || ts[4].Detail != "no RSS samples on this OS" || ts[8].Detail != "no RSS samples on this OS" {
		t.Fatalf("details: %+v", ts)
	}
	if got := verdicts(evaluateTargets(nil)); got != "NOT RUN NOT RUN NOT RUN NOT RUN NOT RUN NOT RUN NOT RUN NOT RUN NOT RUN" {
		t.Fatalf("no cells: %s", got)
	}
}
