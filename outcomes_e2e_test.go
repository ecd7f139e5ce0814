package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A request timeout shorter than the emulator's answer latency, in one command: every write
// takes effect and no answer comes in time. The run once called such records "expired" while
// the stream held them. Now the report counts them maybe stored, the emulator's own count shows
// the stream does hold them, the summary and the progress lines say so, and the run fails.
func TestTimeoutShorterThanAnswerLatencyReportsMaybeStored(t *testing.T) {
	bin := buildBinary(t)
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runBinaryWithin(t, 2*time.Second+2*time.Second+30*time.Second, bin, "run", "--headless", "--duration", "2s",
		"--rate", "200", "--request-timeout", "100ms", "--fault-answer-latency", "300ms", "--record-ttl", "2s",
		"--progress-every", "1s", "--report", report)
	if code != 1 || !strings.Contains(errOut, "no record was delivered: 0 of ") {
		t.Errorf("exit %d, want 1: nothing was acknowledged\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r reportWithTruth
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	a := r.Accounting
	if !a.Holds || a.Acknowledged != 0 || a.MaybeStored == 0 || a.MaybeStored+a.NeverSent+a.Dropped != a.Scheduled || a.NotStored != 0 {
		t.Fatalf("every record sent should be maybe stored: %+v", a)
	}
	if stored := r.Config.Emulator["accepted_user_records"]; stored < a.MaybeStored {
		t.Errorf("the emulator stored %d user records, fewer than the %d maybe stored: each had a write that took effect", stored, a.MaybeStored)
	}
	for _, want := range []string{" 0 acknowledged + " + strconv.FormatInt(a.MaybeStored, 10) + " maybe stored", "the stream may hold them", "Timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, ": maybe stored ") {
		t.Errorf("no progress line shows the maybe stored records:\n%s", errOut)
	}
}
