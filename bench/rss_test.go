package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func samplesMiB(d time.Duration, mibs ...float64) []rssSample {
	var out []rssSample
	for i, m := range mibs {
		out = append(out, rssSample{At: d * time.Duration(i) / time.Duration(len(mibs)-1), RSS: int64(m * (1 << 20))})
	}
	return out
}

func TestRSSGrowth(t *testing.T) {
	d := 10 * time.Second
	// A buffer that fills in the first second and stays full: bounded, GC swings allowed.
	g := rssGrowth(samplesMiB(d, 20, 300, 310, 305, 320, 325, 330, 340), d)
	if g.Bounded == nil || !*g.Bounded || g.FirstHalfPeakMiB != 310 || g.SecondHalfPeakMiB != 340 {
		t.Fatalf("plateau: %+v", g)
	}
	// A queue that grows as long as the load lasts: not bounded.
	g = rssGrowth(samplesMiB(d, 20, 100, 200, 300, 400, 500, 600, 700), d)
	if g.Bounded == nil || *g.Bounded {
		t.Fatalf("growth: %+v", g)
	}
	// Samples after the load (the drain) do not count.
	g = rssGrowth(append(samplesMiB(d, 50, 50, 50), rssSample{At: d + time.Second, RSS: 1 << 30}), d)
	if g.Bounded == nil || !*g.Bounded || g.SecondHalfPeakMiB != 50 {
		t.Fatalf("drain sample counted: %+v", g)
	}
	if g := rssGrowth(nil, d); g.Bounded != nil {
		t.Fatalf("no samples, no verdict: %+v", g)
	}
}

func TestWorstGrowth(t *testing.T) {
	yes, no := RSSGrowth{FirstHalfPeakMiB: 10, SecondHalfPeakMiB: 11, Bounded: boolPtr(true)}, RSSGrowth{FirstHalfPeakMiB: 5, SecondHalfPeakMiB: 50, Bounded: boolPtr(false)}
	if g := worstGrowth([]RSSGrowth{yes, no, yes}); g.Bounded == nil || *g.Bounded || g.FirstHalfPeakMiB != 10 || g.SecondHalfPeakMiB != 50 {
		t.Fatalf("one unbounded producer makes the cell unbounded: %+v", g)
	}
	if g := worstGrowth([]RSSGrowth{yes, {}}); g.Bounded != nil {
		t.Fatalf("a producer without samples leaves the verdict unknown: %+v", g)
	}
}

func TestProcStatusBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "status")
	if err := os.WriteFile(path, []byte("Name:\tbench\nVmHWM:\t  123456 kB\nVmRSS:\t   2048 kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, ok := procStatusBytes(path, "VmRSS"); !ok || v != 2048*1024 {
		t.Fatalf("VmRSS = %d, %v", v, ok)
	}
	if v, ok := procStatusBytes(path, "VmHWM"); !ok || v != 123456*1024 {
		t.Fatalf("VmHWM = %d, %v", v, ok)
	}
	if _, ok := procStatusBytes(path, "VmSwap"); ok {
		t.Fatal("a missing field is not found")
	}
	if _, ok := procStatusBytes(filepath.Join(t.TempDir(), "gone"), "VmRSS"); ok {
		t.Fatal("a missing file is not found")
	}
}
