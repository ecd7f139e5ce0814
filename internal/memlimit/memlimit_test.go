package memlimit

import (
	"os"
	"runtime/debug"
	"testing"
)

// Apply sets the runtime's soft memory limit, unless the user set GOMEMLIMIT: theirs wins.
func TestApplyYieldsToGOMEMLIMIT(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)

	t.Setenv("GOMEMLIMIT", "") // restored after the test
	os.Unsetenv("GOMEMLIMIT")
	if !Apply(ForBuffer(64 << 20)) {
		t.Fatal("Apply without GOMEMLIMIT did not set the limit")
	}
	if got := debug.SetMemoryLimit(-1); got != 64<<20+Headroom {
		t.Fatalf("limit %d, want %d", got, 64<<20+Headroom)
	}

	debug.SetMemoryLimit(before)
	t.Setenv("GOMEMLIMIT", "1GiB")
	if Apply(ForBuffer(64 << 20)) {
		t.Error("Apply set a limit over the user's GOMEMLIMIT")
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after Apply under GOMEMLIMIT, want it left at %d", got, before)
	}
}
