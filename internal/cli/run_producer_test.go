package cli

import (
	"strings"
	"testing"
)

// --producer takes the four profiles and nothing else, naming the flag and the choices.
func TestProducerProfileRefusesUnknownNames(t *testing.T) {
	clearEnv(t)
	code, _, errOut := runMain(t, "config", "print", "--producer", "sdk")
	if code != exitUsage || !strings.Contains(errOut, "-producer") || !strings.Contains(errOut, "shardstorm, kpl, putrecords, putrecord") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, p := range []string{"shardstorm", "kpl", "putrecords", "putrecord"} {
		if code, _, errOut := runMain(t, "config", "print", "--producer", p); code != 0 {
			t.Errorf("--producer %s: exit %d\n%s", p, code, errOut)
		}
	}
}
