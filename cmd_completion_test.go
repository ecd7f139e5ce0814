package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := runMain(t, "completion", shell)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", shell, code, errOut)
		}
		for _, want := range []string{"scenarios", "emulator", "rate-limit", "fault-internal-failure-rate", "config", "hot-key", "allow-remote"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s script lacks %q", shell, want)
			}
		}
	}
	if code, _, _ := runMain(t, "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
	if code, _, _ := runMain(t, "completion"); code != exitUsage {
		t.Errorf("completion: exit %d, want 2", code)
	}
}

// The bash script completes commands, run's flags, another command's flags and scenario names.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	_, script, _ := runMain(t, "completion", "bash")
	file := filepath.Join(t.TempDir(), "shardstorm.bash")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"shardstorm", "sce"}, "scenarios"},
		{[]string{"shardstorm", "run", "--rate-l"}, "--rate-limit"},
		{[]string{"shardstorm", "--fault-int"}, "--fault-internal-failure-rate"},
		{[]string{"shardstorm", "emulator", "--allow"}, "--allow-remote"},
		{[]string{"shardstorm", "run", "--scenario", "under"}, "under-provisioned"},
		{[]string{"shardstorm", "config", "pr"}, "print"},
	} {
		words := strings.Join(tc.words, " ")
		cmd := exec.Command(bash, "--norc", "-c", `source "$1"; COMP_WORDS=(`+words+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _shardstorm; echo "${COMPREPLY[*]}"`, "x", file)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != tc.want {
			t.Errorf("%q: completed %q (%v), want %q", words, out, err, tc.want)
		}
	}
}
