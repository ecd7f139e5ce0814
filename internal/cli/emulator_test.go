package cli

import (
	"strings"
	"testing"
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
