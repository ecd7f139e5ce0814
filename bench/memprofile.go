package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// memWatch samples a contender's runtime memory statistics during the load and the drain and keeps the
// sample at its peak (the most memory mapped and not returned to the OS: what RSS follows), to
// tell what a cell's peak RSS is made of: live heap, the collector's headroom, freed spans not
// yet returned, stacks. runtime/metrics reads them without stopping the world.
type memWatch struct {
	prefix string
	stop   context.CancelFunc
	done   sync.WaitGroup
	peak   []metrics.Sample
	peakAt time.Duration
	rss    int64
	// profileErr is the last error writing the peak's heap profile.
	profileErr error
	// timeline is a line per timelineEvery: when the peak came and what made it.
	timeline strings.Builder
}

// timelineEvery is how often the timeline (PREFIX.timeline.txt) notes the figures.
const timelineEvery = 500 * time.Millisecond

// memWatchMetrics are the figures kept: the first two decide the peak.
var memWatchMetrics = []string{
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/os-stacks:bytes",
	"/memory/classes/metadata/other:bytes",
	"/memory/classes/other:bytes",
	"/gc/heap/live:bytes",
	"/gc/heap/goal:bytes",
	"/gc/gomemlimit:bytes",
	"/gc/gogc:percent",
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/sched/goroutines:goroutines",
}

const memWatchInterval = 100 * time.Millisecond

// startMemWatch samples until stopAndWrite; prefix is where the files go (see childConfig.MemProfile).
func startMemWatch(prefix string) *memWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &memWatch{prefix: prefix, stop: cancel}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		start := time.Now()
		tick := time.NewTicker(memWatchInterval)
		defer tick.Stop()
		var peak uint64
		var lastProfile, lastLine time.Time
		fmt.Fprintf(&w.timeline, "%8s %8s %8s %8s %8s %8s %8s %6s\n", "at s", "held", "objects", "unused", "free", "live", "goal", "gcs")
		for {
			s := make([]metrics.Sample, len(memWatchMetrics))
			for i, name := range memWatchMetrics {
				s[i].Name = name
			}
			metrics.Read(s)
			if time.Since(lastLine) >= timelineEvery {
				lastLine = time.Now()
				m := func(i int) float64 { return float64(s[i].Value.Uint64()) / mib }
				fmt.Fprintf(&w.timeline, "%8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %6d\n", time.Since(start).Seconds(),
					m(0)-m(1), m(2), m(3), m(4), m(9), m(10), s[13].Value.Uint64())
			}
			if held := s[0].Value.Uint64() - s[1].Value.Uint64(); held > peak {
				peak, w.peak, w.peakAt = held, s, time.Since(start)
				w.rss, _ = readRSS(os.Getpid())
				if time.Since(lastProfile) >= time.Second {
					// What the heap held at the last collection before the peak.
					w.profileErr, lastProfile = w.writeHeapProfile(".peak.heap.pprof", false), time.Now()
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// writeHeapProfile writes PREFIX+suffix: the live heap as of the last collection, or (collect)
// after one made now.
func (w *memWatch) writeHeapProfile(suffix string, collect bool) error {
	f, err := os.Create(w.prefix + suffix)
	if err != nil {
		return err
	}
	if collect {
		runtime.GC()
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// stopAndWrite ends the sampling (after the drain) and writes PREFIX.memstats.txt: the figures
// at the peak.
func (w *memWatch) stopAndWrite() error {
	w.stop()
	w.done.Wait()
	if w.profileErr != nil {
		return w.profileErr
	}
	g, err := os.Create(w.prefix + ".memstats.txt")
	if err != nil {
		return err
	}
	w.write(g)
	if err := g.Close(); err != nil {
		return err
	}
	return os.WriteFile(w.prefix+".timeline.txt", []byte(w.timeline.String()), 0o644)
}

func (w *memWatch) write(out io.Writer) {
	fmt.Fprintf(out, "peak at %s of the load; VmRSS then %.1f MiB\n", w.peakAt.Round(time.Millisecond), float64(w.rss)/mib)
	for _, s := range w.peak {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			v := s.Value.Uint64()
			if strings.HasSuffix(s.Name, ":bytes") {
				fmt.Fprintf(out, "%-40s %10.1f MiB\n", s.Name, float64(v)/mib)
			} else {
				fmt.Fprintf(out, "%-40s %10d\n", s.Name, v)
			}
		case metrics.KindFloat64:
			fmt.Fprintf(out, "%-40s %10.2f\n", s.Name, s.Value.Float64())
		}
	}
}
