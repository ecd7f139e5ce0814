package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/metrics"
)

// A request timeout shorter than the emulator's answer latency: the write takes effect, the
// client gives up before the answer. The run must not call those records "expired" or
// "failed" as if the stream did not hold them: the summary counts them "maybe stored", the
// retries acknowledged after such a timeout as possible duplicates, every record in exactly
// one category, and the JSON report and the text carry the categories. Virtual time, in process.
func TestTimeoutShorterThanAnswerLatencyIsMaybeStored(t *testing.T) {
	synctest.Test(t, testTimeoutShorterThanAnswerLatency)
}

func testTimeoutShorterThanAnswerLatency(t *testing.T) {
	ctx := context.Background()
	spec := DefaultWorkload()
	spec.Rate = 500
	opts := Options{Workload: spec, SampleInterval: 250 * time.Millisecond, InProcess: true, NoCloudWatch: true,
		// Most answers come after the 100 ms timeout, and a record has time for about two
		// attempts: some records acknowledged, many maybe stored, some acknowledged on a retry
		// after a timeout that stored them too.
		Emulator: emulator.Config{Faults: emulator.Faults{AnswerLatency: emulator.Latency{Kind: emulator.LatencyUniform, Base: 20 * time.Millisecond, Max: 400 * time.Millisecond}}}}
	opts.Producer.RequestTimeout = 100 * time.Millisecond
	opts.Producer.RecordTtl = 500 * time.Millisecond
	r, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			r.Stop(ctx, nil)
		}
	}()
	waitFor(t, "records maybe stored and acknowledged", func() bool {
		o := r.sink.Outcomes()
		return o.MaybeStored > 20 && o.Acknowledged > 100 && o.PossibleDuplicates > 0
	})
	stopped = true
	sum, err := r.Stop(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := sum.Accounting
	if !a.Holds || a.Acknowledged+a.MaybeStored+a.NotStored+a.NeverSent+a.Dropped+a.Pending != a.Scheduled {
		t.Fatalf("accounting does not hold: %+v", a)
	}
	if a.MaybeStored == 0 || a.PossibleDuplicates == 0 || a.Failed != a.MaybeStored+a.NotStored+a.NeverSent {
		t.Fatalf("timeouts that stored should be maybe stored, retries after them possible duplicates: %+v", a)
	}
	if sum.Totals.ErrorsByCode["Timeout"] == 0 || sum.Totals.ErrorsByCode["HTTP0"] != 0 {
		t.Errorf("timed-out attempts should be counted as Timeout: %v", sum.Totals.ErrorsByCode)
	}
	// The sink counts the results its callbacks saw; the summary reads the producer's
	// counters: two independent counts of the same records.
	if o := r.sink.Outcomes(); o.Acknowledged != a.Acknowledged || o.MaybeStored != a.MaybeStored || o.NotStored != a.NotStored ||
		o.NeverSent != a.NeverSent || o.PossibleDuplicates != a.PossibleDuplicates || o.Expired != a.Expired {
		t.Errorf("the results seen (%+v) and the producer's counters (%+v) disagree", o, a)
	}

	var raw bytes.Buffer
	if err := sum.WriteJSON(&raw); err != nil {
		t.Fatal(err)
	}
	var report struct {
		Version    int            `json:"schema_version"`
		Accounting map[string]any `json:"accounting"`
	}
	if err := json.Unmarshal(raw.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if report.Version != metrics.SummaryVersion || report.Accounting["maybe_stored"] != float64(a.MaybeStored) ||
		report.Accounting["acknowledged"] != float64(a.Acknowledged) || report.Accounting["possible_duplicates"] != float64(a.PossibleDuplicates) {
		t.Errorf("the JSON report lacks the categories: %v", report.Accounting)
	}

	var text strings.Builder
	if err := WriteSummary(&text, sum); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		strings.Join([]string{itoa(a.Scheduled) + " scheduled = " + itoa(a.Acknowledged) + " acknowledged",
			itoa(a.MaybeStored) + " maybe stored", itoa(a.NotStored) + " not stored", itoa(a.NeverSent) + " never sent"}, " + "),
		"+ " + itoa(a.Dropped) + " dropped + " + itoa(a.Pending) + " pending: holds",
		"maybe stored: sent, no answer (timeout, lost connection); the stream may hold them (--verify tells)",
		"possible duplicates " + itoa(a.PossibleDuplicates) + " (an earlier attempt got no answer",
		"failed attempts by code: ", "Timeout ",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, text.String())
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
