package main

import (
	"strings"
	"testing"
)

// A handful of bad values through the built binary, as a user types them: exit 2 naming the
// flag before any load (issue 14, items 1 and 8). The knob table's walk in internal/cli covers
// every knob in process.
func TestBinaryRefusesBadValuesByName(t *testing.T) {
	bin := buildBinary(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, "-rate"},
		{[]string{"--stream", "my stream"}, "-stream"},
		{[]string{"--shards", "10001"}, "--shards 10001"}, // over AWS's 10,000 shards a stream
		{[]string{"--keys", "shard:99"}, "--keys"},
		{[]string{"--rate-limit", "0"}, "-rate-limit"},
	} {
		args := append([]string{"run", "--headless", "--duration", "2s"}, tc.args...)
		code, out, errOut := runBinary(t, bin, args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(out, "accounting") {
			t.Errorf("%q: exit %d, want 2 naming %s before any load\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.want, out, errOut)
		}
	}
}
