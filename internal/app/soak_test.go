package app

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/workload"
)

// The soak: a long run at twice the stream's capacity over a real socket, in real time, with a
// fault toggled on and off every minute (the fault matrix's faults in turn), sampling the
// process's RSS and goroutines every 10 s (twice per toggle in a shorter soak); then the read-back. It holds when memory and
// goroutines stay flat after a warm-up and the read-back accounts for every record.
//
//	SHARDSTORM_SOAK=1 (30 minutes) or SHARDSTORM_SOAK=2m go test -run '^TestSoak$' -v -timeout 0 ./internal/app/
//
// Faults toggle every duration/30 (a minute in the 30-minute soak). The warm-up is the first
// third: one whole cycle of the faults (each on once, off between), so every state the later
// cycles go through was seen in it. After it, a leak grows cycle on cycle; a flat process
// repeats the first cycle's figures. RSS swings by a third as buffers fill and drain under the
// faults and the GC's heap target follows (measured: 90-150 MiB within a minute), so the bounds
// are on its median and its peak: the median after the warm-up at most 10 % + 16 MiB over the
// median of the warm-up's second half (a leak of 1 KiB a second passes 16 MiB in 20 minutes),
// the peak at most 25 % over the warm-up's peak, each plus the read-back ledger's growth (one
// byte per record handed to the producer: a true cost of --verify, not a leak); goroutines at
// most 10 % + 10 over the warm-up's peak.
//
// Not in the cycle: the emulator killed, the stream deleted (either ends the run's story: the
// stream's records are gone, so the read-back could not check the accounting).

func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv("SHARDSTORM_SOAK")
	switch v {
	case "":
		t.Skip("the soak runs with SHARDSTORM_SOAK=1 (30 minutes) or SHARDSTORM_SOAK=DURATION")
	case "1":
		return 30 * time.Minute
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute {
		t.Fatalf("SHARDSTORM_SOAK=%q: want 1 (30 minutes) or a duration of at least 1m", v)
	}
	return d
}

// soakFaults are the faults the soak toggles, in turn.
var soakFaults = []struct {
	name string
	set  soakControl
}{
	{"paused", soakControl{Paused: true}},
	{"black hole", soakControl{Faults: emulator.Faults{BlackHole: true}}},
	{"20% InternalFailure + 10% 5xx + 50-400ms latency", soakControl{Faults: emulator.Faults{InternalFailureRate: 0.2, ServerErrorRate: 0.1,
		Latency: emulator.Latency{Kind: emulator.LatencyUniform, Base: 50 * time.Millisecond, Max: 400 * time.Millisecond}}}},
	{"20% connection resets", soakControl{Faults: emulator.Faults{ResetRate: 0.2}}},
	// The producer's request timeout is 6 s: every write is stored, then times out.
	{"answer latency 7s over the 6s request timeout", soakControl{Faults: emulator.Faults{
		AnswerLatency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 7 * time.Second}}}},
}

type soakSample struct {
	at         time.Duration
	rss, heap  uint64 // bytes
	live       uint64 // heap bytes live after a forced GC: what a leak grows
	goroutines int
	records    int // handed to the producer so far (the ledger's length)
}

func TestSoak(t *testing.T) {
	duration := soakDuration(t)
	toggle := duration / 30
	warmUp := duration / 3
	const shards = 2
	t.Setenv("AWS_ACCESS_KEY_ID", "soak")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "soak")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	emu := startSoakEmulator(t, "soak", shards)

	// Twice the stream's capacity in records (2 shards × 1000 records/s), unaggregated, so
	// every record counts against the shard limits: throttles, retries, full buffers.
	spec := workload.DefaultSpec()
	spec.Rate, spec.Duration = 2*shards*1000, duration
	opts := Options{Endpoint: emu.URL, Region: "us-east-1", Stream: "soak", Workload: spec, Verify: true}
	opts.Producer.DisableAggregation = true
	ctx := context.Background()
	start := time.Now()
	r, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}

	var samples []soakSample
	sample := func() soakSample {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s := soakSample{at: time.Since(start), rss: vmRSS(t), heap: ms.HeapInuse, goroutines: runtime.NumGoroutine(), records: int(r.verify.ledger.Len())}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		s.live = ms.HeapAlloc
		samples = append(samples, s)
		return s
	}
	// Every 10 s, or twice per toggle in a short soak: the warm-up must catch each fault's peak.
	sampleTick, toggleTick := time.NewTicker(min(10*time.Second, toggle/2)), time.NewTicker(toggle)
	defer sampleTick.Stop()
	defer toggleTick.Stop()
	step, fault := 0, "none"
	sample()
run:
	for {
		select {
		case <-r.Done():
			break run
		case <-toggleTick.C:
			step++
			set, name := soakControl{}, "none"
			if step%2 == 1 {
				f := soakFaults[(step/2)%len(soakFaults)]
				set, name = f.set, f.name
			}
			if err := emu.set(set); err != nil {
				t.Fatalf("set the fault %s: %v", name, err)
			}
			fault = name
		case <-sampleTick.C:
			s := sample()
			o := r.sink.Outcomes()
			t.Logf("%6s fault %-48s RSS %4d MiB heap %4d MiB live %4d MiB goroutines %4d | acknowledged %d, failed %d", s.at.Round(time.Second), fault,
				s.rss>>20, s.heap>>20, s.live>>20, s.goroutines, o.Acknowledged, o.Failed())
		}
	}
	sample()
	if err := emu.set(soakControl{}); err != nil {
		t.Fatal(err)
	}
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sum, stopErr := r.Stop(stopCtx, nil)
	t.Logf("ended after %s (stop: %v); accounting %+v; errors %v; findings %v", time.Since(start).Round(time.Second), stopErr,
		sum.Accounting, sum.Totals.ErrorsByCode, ruleNames(sum.Findings))
	checkAccounting(t, sum)
	readBackStart := time.Now()
	checkReadBack(t, faultCell{name: "soak"}, r, sum)
	t.Logf("read-back took %s", time.Since(readBackStart).Round(time.Second))
	checkFlat(t, samples, warmUp)
}

// checkFlat holds the samples after the warm-up to the warm-up's (see the bounds above): the
// typical RSS (the median) to the typical RSS of the warm-up's second half (its first is the
// start-up ramp), the peaks to the warm-up's peaks.
func checkFlat(t *testing.T, samples []soakSample, warmUp time.Duration) {
	t.Helper()
	var warm, later []soakSample
	for _, s := range samples {
		switch {
		case s.at > warmUp:
			later = append(later, s)
		case s.at > warmUp/2:
			warm = append(warm, s)
		}
	}
	if len(warm) < 3 || len(later) < 3 {
		t.Fatalf("%d samples in the warm-up's second half, %d after it: too few to judge", len(warm), len(later))
	}
	ledger := uint64(later[len(later)-1].records - warm[len(warm)-1].records)
	w, l := summarise(warm), summarise(later)
	medianBound := w.medianRSS + w.medianRSS/10 + 16<<20 + ledger
	peakBound := w.peakRSS + w.peakRSS/4 + ledger
	goroutineBound := w.peakGoroutines + w.peakGoroutines/10 + 10
	t.Logf("warm-up (%s to %s): RSS median %d MiB, peak %d MiB, %d goroutines at most; after it: RSS median %d MiB (bound %d), peak %d MiB (bound %d; ledger growth %d MiB), %d goroutines at most (bound %d), heap peak %d MiB (warm-up %d MiB), live heap median %d MiB (warm-up %d MiB)",
		warmUp/2, warmUp, w.medianRSS>>20, w.peakRSS>>20, w.peakGoroutines, l.medianRSS>>20, medianBound>>20, l.peakRSS>>20, peakBound>>20, ledger>>20,
		l.peakGoroutines, goroutineBound, l.peakHeap>>20, w.peakHeap>>20, l.medianLive>>20, w.medianLive>>20)
	if l.medianRSS > medianBound || l.peakRSS > peakBound {
		t.Errorf("RSS grew after the warm-up: median %d MiB (bound %d), peak %d MiB (bound %d)", l.medianRSS>>20, medianBound>>20, l.peakRSS>>20, peakBound>>20)
	}
	if l.peakGoroutines > goroutineBound {
		t.Errorf("goroutines grew after the warm-up: %d at most, over the bound of %d", l.peakGoroutines, goroutineBound)
	}
}

type soakFigures struct {
	medianRSS, peakRSS, peakHeap, medianLive uint64
	peakGoroutines                           int
}

func summarise(ss []soakSample) soakFigures {
	var f soakFigures
	rss, live := make([]uint64, len(ss)), make([]uint64, len(ss))
	for i, s := range ss {
		rss[i], live[i] = s.rss, s.live
		f.peakRSS, f.peakHeap, f.peakGoroutines = max(f.peakRSS, s.rss), max(f.peakHeap, s.heap), max(f.peakGoroutines, s.goroutines)
	}
	slices.Sort(rss)
	slices.Sort(live)
	f.medianRSS, f.medianLive = rss[len(rss)/2], live[len(live)/2]
	return f
}

// vmRSS is the process's resident set size (VmRSS in /proc/self/status), in bytes.
func vmRSS(t *testing.T) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatalf("the soak measures RSS from /proc/self/status (Linux): %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}
