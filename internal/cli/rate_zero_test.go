package cli

import (
	"strings"
	"testing"
)

// Rate 0 is refused in every layer, naming where it came from: it once silently replaced the
// whole workload with the demo's and ignored --duration (issue 14, item 1).
func TestRateZeroIsRefusedInEveryLayer(t *testing.T) {
	clearEnv(t)
	config := writeFile(t, "c.yaml", "rate: 0\n")
	workload := writeFile(t, "w.yaml", "rate: 0\n")
	for _, tc := range []struct {
		name  string
		env   string
		args  []string
		names string
	}{
		{"flag", "", []string{"--rate", "0", "--duration", "2s"}, "-rate"},
		{"flag 0.0", "", []string{"--rate=0.0"}, "-rate"},
		{"config file", "", []string{"--config", config}, "c.yaml:1: rate"},
		{"environment", "0", nil, "SHARDSTORM_RATE"},
		{"workload file", "", []string{"--workload", workload}, "w.yaml: rate 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("SHARDSTORM_RATE", tc.env)
			}
			code, out, errOut := runMain(t, append([]string{"config", "print"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.names) || !strings.Contains(errOut, "want more than 0 records/s") {
				t.Errorf("exit %d, want 2 naming %q:\n%s%s", code, tc.names, errOut, out)
			}
		})
	}
	// The Settings view refuses it too (the knob's live set shares the check); see
	// internal/app's TestSettingsRefuseZero.
}
