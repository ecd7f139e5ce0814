package cli

import (
	"strings"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"rate", "rate", 0}, {"rat", "rate", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"shrads", "shards", 2}} {
		if got := levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestUnknownFlagSuggestsTheClosest(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--rat", "5"}, "flag provided but not defined: -rat (did you mean --rate?)"},
		{[]string{"--shrads", "2"}, "(did you mean --shards?)"},
		{[]string{"run", "--ratelimit", "90"}, "(did you mean --rate-limit?)"},
		{[]string{"run", "--headles"}, "(did you mean --headless?)"},
		{[]string{"config", "print", "--scenaro", "hot-key"}, "(did you mean --scenario?)"},
		{[]string{"emulator", "--adr", "127.0.0.1:0"}, "flag provided but not defined: -adr (did you mean --addr?)"},
	} {
		code, _, errOut := runMain(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, want 2 and %q in:\n%s", tc.args, code, tc.want, lastLine(errOut))
		}
	}
	code, _, errOut := runMain(t, "run", "--zzzzzzzzzz")
	if code != exitUsage || strings.Contains(errOut, "did you mean") {
		t.Errorf("a flag like none: exit %d\n%s", code, lastLine(errOut))
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
