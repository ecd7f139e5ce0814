package cli

import (
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/emulator"
)

// The emulator takes any credentials: it serves beyond loopback only with --allow-remote.
func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "localhost:1": true, ":1": false, "10.0.0.1:1": false} {
		if err := checkLoopback(addr, false); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v", addr, err)
		}
	}
	if err := checkLoopback("10.0.0.1:1", true); err != nil {
		t.Errorf("--allow-remote: %v", err)
	}
}

// --log-every 0 or below was handed to time.NewTicker, which panics once the emulator serves:
// it is refused before anything listens, naming the flag.
func TestEmulatorLogEveryNotPositive(t *testing.T) {
	for _, v := range []string{"0", "-1s"} {
		code, out, errOut := runMain(t, "emulator", "--addr", "127.0.0.1:0", "--log-every", v)
		if code != exitUsage || !strings.Contains(errOut, "--log-every") || strings.Contains(out, "serving") {
			t.Errorf("--log-every %s: exit %d\nstdout: %s\nstderr: %s", v, code, out, errOut)
		}
	}
}

// The emulator's totals line shows an on-demand stream's capacity, and a provisioned stream's
// bracket as before.
func TestEmulatorTotalsShowOnDemandCapacity(t *testing.T) {
	shards := []emulator.ShardStats{{Open: true}, {Open: true}, {Open: false}}
	if got := streamState(emulator.StreamStats{Status: "ACTIVE", Shards: shards}); got != "ACTIVE, 2 shards" {
		t.Errorf("provisioned: %q", got)
	}
	od := &emulator.OnDemandStats{WriteBytesPerSec: 2 << 20, PeakBytesPerSec: 3 << 19, PendingSplits: 2}
	if got, want := streamState(emulator.StreamStats{Status: "ACTIVE", Shards: shards, OnDemand: od}), "ACTIVE, 2 shards, on-demand: 2.0 MiB/s, peak 1.5 MiB/s, scaling to 4 shards"; got != want {
		t.Errorf("on-demand: %q, want %q", got, want)
	}
}
