package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every shell gets a script from the library, which asks `shardstorm __complete` at completion
// time; a script a shell cannot parse, or a missing/unknown shell, is caught here.
func TestCompletionScripts(t *testing.T) {
	for shell, check := range map[string][]string{
		"bash": {"bash", "-n"}, "zsh": {"zsh", "-n"}, "fish": {"fish", "--no-execute"}, "powershell": nil,
	} {
		code, out, errOut := runMain(t, "completion", shell)
		if code != 0 || !strings.Contains(out, "shardstorm") || !strings.Contains(out, "__complete") {
			t.Fatalf("%s: exit %d, script %.200q\n%s", shell, code, out, errOut)
		}
		if check == nil {
			continue
		}
		if _, err := exec.LookPath(check[0]); err != nil {
			t.Logf("%s not installed: script not parsed", check[0])
			continue
		}
		file := filepath.Join(t.TempDir(), "shardstorm."+shell)
		if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(check[0], append(check[1:], file)...).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse its script: %v\n%s", shell, err, out)
		}
	}
	if code, _, _ := runMain(t, "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
	if code, _, _ := runMain(t, "completion"); code != exitUsage {
		t.Errorf("completion: exit %d, want 2", code)
	}
}

// completionCases are what a user completes: commands, run's flags (with and without the
// command), another command's flags, scenario names and a subcommand.
var completionCases = []struct {
	words []string
	want  string
}{
	{[]string{"shardstorm", "sce"}, "scenarios"},
	{[]string{"shardstorm", "run", "--rate-l"}, "--rate-limit"},
	{[]string{"shardstorm", "--fault-int"}, "--fault-internal-failure-rate"},
	{[]string{"shardstorm", "emulator", "--allow"}, "--allow-remote"},
	{[]string{"shardstorm", "run", "--scenario", "under"}, "under-provisioned"},
	{[]string{"shardstorm", "config", "pr"}, "print"},
}

// The completions, with their descriptions, as every shell's script asks for them.
func TestCompleteCommand(t *testing.T) {
	for _, tc := range completionCases {
		code, out, errOut := runMain(t, append([]string{"__complete"}, tc.words[1:]...)...)
		var got []string
		for _, line := range strings.Split(out, "\n") {
			if line != "" && !strings.HasPrefix(line, ":") {
				got = append(got, line)
			}
		}
		if code != 0 || len(got) != 1 || !strings.HasPrefix(got[0], tc.want+"\t") {
			t.Errorf("%q: exit %d, completions %q, want %q with its description\n%s", tc.words, code, got, tc.want, errOut)
		}
	}
	_, out, _ := runMain(t, "__complete", "")
	for _, cmd := range []string{"run", "emulator", "watch", "scenarios", "config", "version", "completion"} {
		if !strings.Contains(out, "\n"+cmd+"\t") && !strings.HasPrefix(out, cmd+"\t") {
			t.Errorf("the command list lacks %s:\n%s", cmd, out)
		}
	}
}

// The bash script, sourced in a real bash, completes through the program (this test binary,
// standing in for shardstorm: see TestMain).
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, script, _ := runMain(t, "completion", "bash")
	file := filepath.Join(t.TempDir(), "shardstorm.bash")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range completionCases {
		line := strings.Join(tc.words, " ")
		// _get_comp_words_by_ref is bash-completion's; a minimal one where it is not installed.
		cmd := exec.Command(bash, "--norc", "-c", `source "$1"
if [ -r /usr/share/bash-completion/bash_completion ]; then source /usr/share/bash-completion/bash_completion
else _get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
fi
compopt() { :; } # a builtin that works only inside a real completion
bin="$2"; shardstorm() { SHARDSTORM_CLI_TEST_MAIN=1 "$bin" "$@"; }
COMP_WORDS=(`+line+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE="`+line+`"; COMP_POINT=${#COMP_LINE}
__start_shardstorm shardstorm; echo "${COMPREPLY[*]}"`, "x", file, self)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != tc.want {
			t.Errorf("%q: completed %q (%v), want %q", line, out, err, tc.want)
		}
	}
}
