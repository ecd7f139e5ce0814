package cli

import (
	"strings"
	"testing"
)

// watch needs a stream and a backend with load on it; each missing piece is named, exit 2.
func TestWatchUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--stream NAME is required"},
		{[]string{"--stream", "s"}, "needs --endpoint URL or AWS"},
		{[]string{"--stream", "s", "--aws", "--endpoint", "http://127.0.0.1:1"}, "choose one backend"},
		{[]string{"--stream", "s", "--region", "eu-west-1", "--endpoint", "http://127.0.0.1:1", "--rate", "5"}, "flag provided but not defined: -rate"},
		// The knobs' own checks hold in watch too (issue 14, item 8): before any connection.
		{[]string{"--stream", "my stream", "--endpoint", "http://127.0.0.1:1"}, "-stream"},
		{[]string{"--stream", "s", "--endpoint", "notaurl"}, "-endpoint"},
		{[]string{"--stream", "s", "--endpoint", "ftp://x"}, "-endpoint"},
	} {
		code, _, errOut := runMain(t, append([]string{"watch"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, "shardstorm watch: ") || !strings.Contains(errOut, tc.want) {
			t.Errorf("watch %q: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errOut)
		}
	}
}
