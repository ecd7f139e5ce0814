package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics"
)

// watchHeadless prints a progress line every --progress-every and the findings as `run` prints
// them, until --duration passes or a signal cancels ctx; then it writes the report. It fails
// when the watch itself failed (the stream gone, CloudWatch refusing or unreachable), and with
// --fail-on when a finding that severe was raised.
func watchHeadless(ctx context.Context, w *app.Watch, wf watchFlags, stderr io.Writer) error {
	var report *os.File
	if wf.report != "" {
		f, err := os.Create(wf.report)
		if err != nil {
			w.Stop()
			return usageError{fmt.Errorf("--report: %w", err)}
		}
		report = f
	}
	var deadline <-chan time.Time
	if wf.duration > 0 {
		t := time.NewTimer(wf.duration)
		defer t.Stop()
		deadline = t.C
	}
	started := time.Now()
	shown := map[string]metrics.Finding{}
	tick := time.NewTicker(wf.progressEvery)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-deadline:
			done = true
		case <-tick.C:
			fmt.Fprintln(stderr, watchProgressLine(time.Since(started), w.Outside()))
			printFindings(stderr, w.Findings(), shown)
		}
	}
	w.Stop()
	printFindings(stderr, w.Findings(), shown)
	rep := w.Report(time.Now())
	if msg := w.StillOn(); msg != "" {
		fmt.Fprintln(stderr, msg)
	}
	if report != nil {
		if err := rep.WriteJSON(report); err != nil {
			report.Close()
			return fmt.Errorf("--report: %w", err)
		}
		if err := report.Close(); err != nil {
			return fmt.Errorf("--report: %w", err)
		}
	}
	if msg := w.Info().Err; msg != "" {
		return errors.New("the watch failed: " + msg)
	}
	if failed := failedOn(wf.failOn, rep.Findings); len(failed) > 0 {
		return thresholdError{failed}
	}
	return nil
}

// watchProgressLine is one progress line: the stream's latest complete CloudWatch period, the
// open shards and each source's state.
func watchProgressLine(elapsed time.Duration, v *metrics.OutsideView) string {
	if v == nil {
		return fmt.Sprintf("%6s  waiting for the first figures", elapsed.Round(time.Second))
	}
	per := func(name string) float64 {
		if v.Kinesis == nil || v.Kinesis.Period <= 0 {
			return math.NaN()
		}
		return v.Kinesis.Last(metrics.CWSeriesID{Name: name, Stat: "Sum"}) / v.Kinesis.Period.Seconds()
	}
	var states []string
	for _, s := range v.Sources {
		states = append(states, s.Name+" "+s.Status)
	}
	return fmt.Sprintf("%6s  incoming %s records/s (%s MiB/s)  throttled %s records/s  open shards %d%s  sources: %s",
		elapsed.Round(time.Second), app.Figure(per("IncomingRecords")), app.Figure(per("IncomingBytes")/(1<<20)),
		app.Figure(per("WriteProvisionedThroughputExceeded")), len(v.Stream.Shards), agentsProgress(v.Agents), strings.Join(states, ", "))
}

// agentsProgress is the progress line's part for shardstorm agents: their summed user records/s
// in the latest period and each agent's ("" when no agent publishes).
func agentsProgress(f *metrics.CWFigures) string {
	if f == nil || f.Period <= 0 {
		return ""
	}
	rates := map[string]float64{}
	for id := range f.Series {
		if id.Name == "UserRecordsPut" && id.Stat == "Sum" && id.Agent != "" && id.ShardID == "" {
			rates[id.Agent] = f.Last(id) / f.Period.Seconds()
		}
	}
	if len(rates) == 0 {
		return ""
	}
	names := slices.Sorted(maps.Keys(rates))
	var sum float64
	parts := make([]string, len(names))
	for i, n := range names {
		sum += rates[n]
		parts[i] = n + " " + app.Figure(rates[n])
	}
	return fmt.Sprintf("  agents %d: %s records/s (%s)", len(names), app.Figure(sum), strings.Join(parts, ", "))
}

// failedOn lists the findings at least as severe as failOn ("" fails on none).
func failedOn(failOn string, findings []metrics.Finding) []string {
	rank := map[string]int{"info": 0, "warning": 1, "critical": 2}
	if failOn == "" {
		return nil
	}
	var out []string
	for _, f := range findings {
		if rank[f.Severity] >= rank[failOn] {
			out = append(out, fmt.Sprintf("--fail-on %s: finding [%s] %s%s", failOn, f.Severity, f.Title, app.About(f)))
		}
	}
	return out
}
