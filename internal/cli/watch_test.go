package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/metrics"
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

// The headless flags: bad values and flags that need --headless exit 2 naming the flag,
// before any connection.
func TestWatchHeadlessUsageErrors(t *testing.T) {
	base := []string{"watch", "--stream", "s", "--endpoint", "http://127.0.0.1:1"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--duration", "10s"}, "--duration needs --headless"},
		{[]string{"--report", "r.json"}, "--report needs --headless"},
		{[]string{"--fail-on", "warning"}, "--fail-on needs --headless"},
		{[]string{"--headless", "--duration", "0s"}, "flag --duration: must be positive"},
		{[]string{"--headless", "--duration", "-5s"}, "flag --duration: must be positive"},
		{[]string{"--headless", "--duration", "soon"}, "-duration"},
		{[]string{"--headless", "--progress-every", "0s"}, "flag --progress-every: must be positive"},
		{[]string{"--headless", "--fail-on", "info"}, "flag --fail-on: want warning or critical"},
		{[]string{"--headless", "--report", "/no/such/dir/r.json"}, "flag --report: the directory /no/such/dir does not exist"},
		{[]string{"--headless", "--report", "/"}, "flag --report: is a directory"},
		{[]string{"--enable-shard-metrics=maybe"}, "-enable-shard-metrics"},
	} {
		code, _, errOut := runMain(t, append(slices.Clone(base), tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, "shardstorm watch: ") || !strings.Contains(errOut, tc.want) {
			t.Errorf("watch %q: exit %d, want 2 and %q:\n%s", tc.args, code, tc.want, errOut)
		}
	}
}

// --fail-on warning fails on a warning or a critical finding, --fail-on critical only on a
// critical one; an info finding fails neither.
func TestWatchFailOn(t *testing.T) {
	fs := []metrics.Finding{{Rule: "a", Severity: "info", Title: "A"}, {Rule: "b", Severity: "warning", Title: "B", ShardID: "shardId-1"}}
	if got := failedOn("warning", fs); len(got) != 1 || !strings.Contains(got[0], "finding [warning] B (shardId-1)") {
		t.Errorf("--fail-on warning: %q", got)
	}
	if got := failedOn("critical", fs); got != nil {
		t.Errorf("--fail-on critical failed on a warning: %q", got)
	}
	if got := failedOn("", append(fs, metrics.Finding{Severity: "critical"})); got != nil {
		t.Errorf("no --fail-on failed: %q", got)
	}
	if got := failedOn("critical", append(fs, metrics.Finding{Rule: "c", Severity: "critical", Title: "C"})); len(got) != 1 {
		t.Errorf("--fail-on critical: %q", got)
	}
}
