package profiling

import (
	"os"
	"path/filepath"
	"testing"
)

// The profile is written to the file when stopped; a second profile cannot start while one
// runs (the runtime has one), and a path that cannot be created is an error, not a silent skip.
func TestStartCPU(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	stop, err := StartCPU(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := StartCPU(filepath.Join(t.TempDir(), "second.pprof")); err == nil {
		t.Error("a second CPU profile started while one was running")
	}
	stop()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("profile file: %v, %v", fi, err)
	}
	if _, err := StartCPU(filepath.Join(t.TempDir(), "missing", "cpu.pprof")); err == nil {
		t.Error("a path in a missing directory was accepted")
	}
}
