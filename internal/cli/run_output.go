package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics"
)

// progressLines prints a line every interval: what a person (or a CI log) needs to see a
// headless run is healthy, with the time since started. The findings already printed are
// remembered from the load to the drain.
type progressLines struct {
	run     *app.Run
	w       io.Writer
	every   time.Duration
	started time.Time
	shown   map[string]metrics.Finding // findings printed as raised and not yet as cleared
}

func newProgressLines(run *app.Run, w io.Writer, every time.Duration) *progressLines {
	return &progressLines{run: run, w: w, every: every, started: time.Now(), shown: map[string]metrics.Finding{}}
}

// until prints lines until until closes or ctx is cancelled.
func (p *progressLines) until(ctx context.Context, until <-chan struct{}) {
	run, w, shown := p.run, p.w, p.shown
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-until:
			return
		case <-t.C:
		}
		snap := run.Store().Latest()
		if snap == nil {
			continue
		}
		fmt.Fprintln(w, progressLine(time.Since(p.started), snap))
		printFindings(w, run.Findings(), shown)
	}
}

// progressLine is one progress line: rates of the latest interval, and once any record has
// failed, the failed ones so far by what they mean for the stream.
func progressLine(elapsed time.Duration, snap *metrics.Snapshot) string {
	v := &snap.Stream
	line := fmt.Sprintf("%6s  target %s/s  put %s/s (%s MiB/s)  throttled %s%%  p99 %s ms  pending %s",
		elapsed.Round(time.Second), app.Figure(v.Get(metrics.TargetRate)), app.Figure(v.Get(metrics.UserRecordsPut)),
		app.Figure(v.Get(metrics.UserBytesPut)/(1<<20)), app.Figure(100*v.Get(metrics.ThrottledFraction)),
		app.Figure(v.Get(metrics.EndToEndP99)), fmt.Sprintf("%.0f", v.Get(metrics.PendingRecords)))
	o := snap.Totals.Outcomes
	if o.Failed() > 0 {
		line += fmt.Sprintf("  failed %d: maybe stored %d, not stored %d, never sent %d", o.Failed(), o.MaybeStored, o.NotStored, o.NeverSent)
	}
	if o.PossibleDuplicates > 0 {
		line += fmt.Sprintf("  possible duplicates %d", o.PossibleDuplicates)
	}
	return line
}

// printFindings prints the advisor's findings raised since the last call, with their advice,
// and those that cleared: a headless log reads like the dashboard's Findings view.
func printFindings(w io.Writer, active []metrics.Finding, shown map[string]metrics.Finding) {
	now := map[string]bool{}
	for _, f := range active {
		id := f.ID()
		now[id] = true
		if _, ok := shown[id]; ok {
			continue
		}
		shown[id] = f
		fmt.Fprintf(w, "        finding [%s] %s: %s\n", f.Severity, f.Title, f.Summary)
		if f.Advice != "" {
			fmt.Fprintf(w, "          advice: %s\n", f.Advice)
		}
	}
	for id, f := range shown {
		if !now[id] {
			delete(shown, id)
			fmt.Fprintf(w, "        cleared: %s%s\n", f.Title, app.About(f))
		}
	}
}

// nothingDelivered fails a run that was asked for records and delivered none: whatever the
// thresholds, "0 of 600 delivered" is not a pass (it once exited 0).
func nothingDelivered(s metrics.Summary) error {
	a := s.Accounting
	if a.Scheduled <= 0 || a.Acknowledged > 0 {
		return nil
	}
	return fmt.Errorf("no record was delivered: 0 of %d acknowledged (%d maybe stored, %d not stored, %d never sent, %d dropped, %d still pending)",
		a.Scheduled, a.MaybeStored, a.NotStored, a.NeverSent, a.Dropped, a.Pending)
}

// checkThresholds returns a line per threshold the run missed. A figure the run could not
// measure (nothing delivered) misses its threshold: a run that put nothing is not a pass.
func checkThresholds(f *app.RunSettings, s metrics.Summary) []string {
	var failed []string
	if f.MaxThrottled.Set {
		if frac := float64(s.Throughput.ThrottledFraction); !(frac <= f.MaxThrottled.Fraction) {
			failed = append(failed, fmt.Sprintf("--max-throttled %s: %s%% of Kinesis records were throttled", f.MaxThrottled.String(), app.Figure(100*frac)))
		}
	}
	// Maybe stored records count as failed: the producer could not confirm them.
	a := s.Accounting
	if lost := a.MaybeStored + a.NotStored + a.NeverSent; lost > int64(f.MaxFailed) {
		failed = append(failed, fmt.Sprintf("--max-failed %d: %d user records failed (%d maybe stored, %d not stored, %d never sent; %d expired)",
			f.MaxFailed, lost, a.MaybeStored, a.NotStored, a.NeverSent, a.Expired))
	}
	if f.MinPutRate > 0 {
		if rate := float64(s.Throughput.UserRecordsPerSec); !(rate >= f.MinPutRate) {
			failed = append(failed, fmt.Sprintf("--min-put-rate %g: %s user records/s were put", f.MinPutRate, app.Figure(rate)))
		}
	}
	if f.MaxP99 > 0 {
		if p99 := float64(s.Latency.EndToEnd.P99); !(p99 <= float64(f.MaxP99)/float64(time.Millisecond)) {
			failed = append(failed, fmt.Sprintf("--max-p99 %v: the end-to-end p99 was %s ms", f.MaxP99, app.Figure(p99)))
		}
	}
	return failed
}

// writeReport writes the run's JSON summary (schema: metrics/summary.schema.json) to f, opened
// before the load, and closes it.
func writeReport(f *os.File, sum metrics.Summary) error {
	if err := sum.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("--report: %w", err)
	}
	return f.Close()
}
