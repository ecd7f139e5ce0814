package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	code, out, errOut := runMain(t, "version")
	if code != 0 || !strings.HasPrefix(out, "shardstorm ") || !strings.Contains(out, "\ngo go1.") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if code, _, _ := runMain(t, "version", "extra"); code != exitUsage {
		t.Errorf("version extra: exit %d, want 2", code)
	}
	info := &debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: "github.com/shardstorm/shardstorm", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"}}}
	want := "shardstorm v1.2.3\ngo go1.26.1\nrevision abc123 (modified) 2026-01-02T03:04:05Z\n"
	if got := versionText(info, true); got != want {
		t.Errorf("versionText = %q, want %q", got, want)
	}
	if got := versionText(nil, false); !strings.HasPrefix(got, "shardstorm (unknown)\ngo go1.") {
		t.Errorf("without build info: %q", got)
	}
}
