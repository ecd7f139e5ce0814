package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --cpuprofile writes a profile of the whole run that pprof can read (a gzipped protobuf with
// samples), and a path that cannot be written fails before the load, naming the flag.
func TestRunWritesACPUProfile(t *testing.T) {
	clearEnv(t)
	bad := filepath.Join(t.TempDir(), "nonexistent", "cpu.pprof")
	if code, out, errOut := runMain(t, "run", "--headless", "--no-cloudwatch", "--duration", "1s", "--cpuprofile", bad); code != exitUsage ||
		!strings.Contains(errOut, "-cpuprofile") || out != "" {
		t.Fatalf("bad path: exit %d, want 2 naming --cpuprofile before any summary:\n%s%s", code, out, errOut)
	}

	path := filepath.Join(t.TempDir(), "cpu.pprof")
	code, _, errOut := runMain(t, "run", "--headless", "--no-cloudwatch", "--duration", "2s", "--rate", "2000", "--cpuprofile", path)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a pprof profile (gzip): %v", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || len(body) == 0 {
		t.Fatalf("profile body: %d bytes, %v", len(body), err)
	}
	// Its sample types are a CPU profile's (samples/count, cpu/nanoseconds).
	for _, want := range []string{"samples", "cpu", "nanoseconds"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("the profile has no %q sample type: not a CPU profile (%d bytes)", want, len(body))
		}
	}
}
