package cli

import "testing"

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
