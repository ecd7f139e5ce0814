package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// rssSample is a child's resident set size at a time since the load started.
type rssSample struct {
	At  time.Duration
	RSS int64 // bytes
}

// readRSS reads a process's current resident set size from /proc (Linux); false elsewhere or
// once the process is gone.
func readRSS(pid int) (int64, bool) {
	return procStatusBytes(fmt.Sprintf("/proc/%d/status", pid), "VmRSS")
}

// ownPeakRSS is this process's peak resident set size since it started (VmHWM, Linux). A
// contender reports its own: the kernel's ru_maxrss of a child also counts the memory of the
// parent it was forked from (Go starts children with vfork, and exec keeps the old memory's high
// water mark), which would charge every contender with the emulator's memory.
func ownPeakRSS() int64 {
	v, _ := procStatusBytes("/proc/self/status", "VmHWM")
	return v
}

// procStatusBytes reads a "Name:   123 kB" field of a /proc status file, in bytes.
func procStatusBytes(path, field string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// sampleRSS samples pid's RSS every interval from start until ctx ends, and returns the samples.
func sampleRSS(ctx context.Context, pid int, start time.Time, interval time.Duration) []rssSample {
	var out []rssSample
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if rss, ok := readRSS(pid); ok {
			out = append(out, rssSample{At: time.Since(start), RSS: rss})
		}
		select {
		case <-ctx.Done():
			return out
		case <-tick.C:
		}
	}
}

// RSSGrowth compares a process's memory over the two halves of the load: a contender whose
// memory is bounded reaches a plateau (its buffers full) early and stays there; one that queues
// without bound keeps growing at the rate it falls behind.
type RSSGrowth struct {
	FirstHalfPeakMiB  float64 `json:"first_half_peak_mib"`
	SecondHalfPeakMiB float64 `json:"second_half_peak_mib"`
	// Bounded: the second half's peak is at most 10 % + 16 MiB above the first half's.
	// Nil when there were no samples (not Linux).
	Bounded *bool `json:"bounded,omitempty"`
}

// rssGrowthTolerance and rssGrowthSlackMiB allow for the garbage collector's pacing: a steady
// heap still swings by a fraction of itself.
const (
	rssGrowthTolerance = 1.10
	rssGrowthSlackMiB  = 16
)

// rssGrowth judges samples taken over a load of length d (samples after d, the drain, are left out).
func rssGrowth(samples []rssSample, d time.Duration) RSSGrowth {
	var g RSSGrowth
	var first, second bool
	for _, s := range samples {
		mib := float64(s.RSS) / (1 << 20)
		switch {
		case s.At < d/2:
			g.FirstHalfPeakMiB, first = max(g.FirstHalfPeakMiB, mib), true
		case s.At <= d:
			g.SecondHalfPeakMiB, second = max(g.SecondHalfPeakMiB, mib), true
		}
	}
	if first && second {
		b := g.SecondHalfPeakMiB <= g.FirstHalfPeakMiB*rssGrowthTolerance+rssGrowthSlackMiB
		g.Bounded = &b
	}
	return g
}

// worstGrowth combines the producers of a cell: bounded only if every one is, unknown if any is.
func worstGrowth(gs []RSSGrowth) RSSGrowth {
	var out RSSGrowth
	bounded, known := true, len(gs) > 0
	for _, g := range gs {
		out.FirstHalfPeakMiB = max(out.FirstHalfPeakMiB, g.FirstHalfPeakMiB)
		out.SecondHalfPeakMiB = max(out.SecondHalfPeakMiB, g.SecondHalfPeakMiB)
		switch {
		case g.Bounded == nil:
			known = false
		case !*g.Bounded:
			bounded = false
		}
	}
	if known {
		out.Bounded = &bounded
	}
	return out
}
