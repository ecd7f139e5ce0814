package cli

import (
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics"
)

// Failed records fail the run: by default (--max-failed 0) a single failed or expired record
// misses the threshold (exit 3, naming it); a higher threshold lets that many pass. A run whose
// stream vanished mid-run once exited 0 with 70% of its records failed. Maybe stored records
// count as failed: nothing confirmed them.
func TestMaxFailedThreshold(t *testing.T) {
	sum := metrics.Summary{Accounting: metrics.Accounting{Scheduled: 1000, Acknowledged: 300, MaybeStored: 400, NotStored: 250, NeverSent: 50, Failed: 700, Expired: 50}}
	for _, tc := range []struct {
		max  int
		want string
	}{
		{0, "--max-failed 0: 700 user records failed (400 maybe stored, 250 not stored, 50 never sent; 50 expired)"},
		{699, "--max-failed 699: 700 user records failed"},
		{700, ""},
	} {
		failed := checkThresholds(&app.RunSettings{MaxFailed: tc.max}, sum)
		got := strings.Join(failed, "\n")
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("--max-failed %d: %q, want %q", tc.max, got, tc.want)
		}
	}
	if failed := checkThresholds(&app.RunSettings{}, metrics.Summary{Accounting: metrics.Accounting{Scheduled: 10, Acknowledged: 10}}); len(failed) != 0 {
		t.Errorf("a run with nothing failed missed %v", failed)
	}
}

// Maybe stored records alone miss the default threshold: a run whose every request timed out
// after storing is not a pass.
func TestMaxFailedCountsMaybeStored(t *testing.T) {
	sum := metrics.Summary{Accounting: metrics.Accounting{Scheduled: 10, Acknowledged: 7, MaybeStored: 3, Failed: 3}}
	if failed := checkThresholds(&app.RunSettings{}, sum); len(failed) != 1 || !strings.Contains(failed[0], "3 maybe stored") {
		t.Errorf("3 maybe stored records should miss --max-failed 0: %v", failed)
	}
}

// The threshold is a count: a negative or fractional one is refused naming the flag (exit 2).
func TestMaxFailedRefusesBadValues(t *testing.T) {
	clearEnv(t)
	for _, v := range []string{"-1", "1.5", "x"} {
		code, _, errOut := runMain(t, "config", "print", "--max-failed", v)
		if code != exitUsage || !strings.Contains(errOut, "max-failed") {
			t.Errorf("--max-failed %s: exit %d, want 2 naming the flag:\n%s", v, code, errOut)
		}
	}
}
