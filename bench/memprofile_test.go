package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A contender run with -memprofile leaves a heap profile pprof can read and its memory
// statistics at the peak, the live heap among them.
func TestMemWatchWritesProfileAndPeak(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "overload-shardstorm-1")
	w := startMemWatch(prefix)
	held := make([][]byte, 0, 64)
	for range 64 {
		held = append(held, make([]byte, 64<<10))
	}
	if err := w.writeHeapProfile(".heap.pprof", true); err != nil {
		t.Fatal(err)
	}
	if err := w.stopAndWrite(); err != nil {
		t.Fatal(err)
	}
	_ = held
	heap, err := os.ReadFile(prefix + ".heap.pprof")
	if err != nil {
		t.Fatal(err)
	}
	if len(heap) < 2 || heap[0] != 0x1f || heap[1] != 0x8b { // pprof's format is gzipped protobuf
		t.Errorf("heap profile is not a pprof profile: %d bytes", len(heap))
	}
	stats, err := os.ReadFile(prefix + ".memstats.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"peak at ", "/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/memory/classes/heap/released:bytes"} {
		if !strings.Contains(string(stats), want) {
			t.Errorf("memstats lacks %q:\n%s", want, stats)
		}
	}
}
