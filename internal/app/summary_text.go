package app

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/shardstorm/shardstorm/metrics"
)

// WriteSummary prints a run's summary for a person, after the dashboard closes or at the end of a
// headless run: what was offered and delivered, against capacity, with latencies, the
// accounting, and a row per shard.
func WriteSummary(w io.Writer, s metrics.Summary) error {
	var b strings.Builder
	t := s.Throughput
	fmt.Fprintf(&b, "shardstorm run on %s — %s\n\n", s.Stream, fmtDuration(s.DurationSeconds))
	if s.Producer != "" && s.Producer != ProfileShardstorm {
		fmt.Fprintf(&b, "  producer    %s\n", s.Producer)
	}
	if wl := s.Workload; wl != nil {
		fmt.Fprintf(&b, "  workload    %s, keys %s, size %s: %d scheduled, %d late, %d dropped\n",
			wl.Shape, wl.Keys, wl.Size, wl.Scheduled, wl.Late, wl.Dropped)
	}
	fmt.Fprintf(&b, "  offered     %s records/s, %s MiB/s\n", num(t.OfferedRecordsPerSec), num(t.OfferedMiBPerSec))
	fmt.Fprintf(&b, "  delivered   %s records/s, %s MiB/s of payload; %s MiB/s on the wire = %s%% of the stream's byte capacity\n",
		num(t.UserRecordsPerSec), num(t.UserMiBPerSec), num(t.KinesisMiBPerSec), num(t.BytesPctOfCapacity))
	fmt.Fprintf(&b, "  throttled   %s%% of Kinesis records; %d retries\n", num(100*t.ThrottledFraction), s.Totals.Retries)
	fmt.Fprintf(&b, "  batching    %s user records per Kinesis record, %s Kinesis records per request\n",
		num(t.UserRecordsPerKinesisRecord), num(t.KinesisRecordsPerRequest))
	l := s.Latency.EndToEnd
	fmt.Fprintf(&b, "  latency     end to end p50 %s  p90 %s  p99 %s  max %s ms\n", num(l.P50), num(l.P90), num(l.P99), num(l.Max))
	if f := s.Fleet; f != nil {
		// For a fleet, end to end is what the application waits for each put.
		fmt.Fprintf(&b, "  clients     %d: %d online, %d offline, %d buffering (%d records) at the end; at most %d offline, %d records buffered\n",
			f.Clients, f.Online, f.Offline, f.Buffering, f.Buffered, f.MaxOffline, f.MaxBufferedRecords)
		fmt.Fprintf(&b, "              %d reconnects, at most %s/s; the application waits p99 %s ms per put\n",
			f.Reconnects, Figure(f.PeakReconnectsPerSecond), num(f.ApplicationLatency.P99))
	}
	if len(s.Totals.ErrorsByCode) > 0 {
		codes := make([]string, 0, len(s.Totals.ErrorsByCode))
		for code := range s.Totals.ErrorsByCode {
			codes = append(codes, code)
		}
		sort.Slice(codes, func(i, j int) bool { return s.Totals.ErrorsByCode[codes[i]] > s.Totals.ErrorsByCode[codes[j]] })
		var parts []string
		for _, code := range codes {
			parts = append(parts, fmt.Sprintf("%s %d", code, s.Totals.ErrorsByCode[code]))
		}
		fmt.Fprintf(&b, "  errors      failed attempts by code: %s\n", strings.Join(parts, ", "))
	}
	writeAccounting(&b, s.Accounting)
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "shard\tMiB/s\t% bytes\t% records\tthrottled\tretries\tfailed\t")
	for _, sh := range s.Shards {
		id := sh.ShardID
		if !sh.Open {
			id += " (closed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s%%\t%d\t%d\t\n", id, num(sh.KinesisMiBPerSec), num(sh.BytesPctOfCapacity),
			num(sh.RecordsPctOfCapacity), num(100*sh.ThrottledFraction), sh.Retries, sh.Failed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Findings) > 0 {
		fmt.Fprintf(w, "\nFindings (the advisor's, most severe first):\n")
	}
	for _, f := range s.Findings {
		state := "until the end"
		if !f.Active {
			state = "cleared by " + f.LastSeen.Format("15:04:05")
		}
		fmt.Fprintf(w, "\n[%s] %s (from %s, %s)\n  %s\n", f.Severity, f.Title, f.FirstSeen.Format("15:04:05"), state, f.Summary)
		if f.Advice != "" {
			fmt.Fprintf(w, "  advice: %s\n", f.Advice)
		}
	}
	if s.Verify != nil {
		return writeVerify(w, s.Verify)
	}
	return nil
}

// writeAccounting prints the accounting identity naming the categories, then what the failed
// ones mean for the stream: "maybe stored" is the one a person cannot guess.
func writeAccounting(b *strings.Builder, a metrics.Accounting) {
	verdict := "holds"
	if !a.Holds {
		verdict = fmt.Sprintf("DOES NOT HOLD (off by %d)", a.Difference)
	}
	// Two lines: one would pass 120 columns, and a terminal would break it mid-word.
	fmt.Fprintf(b, "  accounting  %d scheduled = %d acknowledged + %d maybe stored + %d not stored + %d never sent\n              + %d dropped + %d pending: %s\n",
		a.Scheduled, a.Acknowledged, a.MaybeStored, a.NotStored, a.NeverSent, a.Dropped, a.Pending, verdict)
	if a.Failed > 0 {
		fmt.Fprintf(b, "              %d failed, of which %d expired (their record TTL passed)\n", a.Failed, a.Expired)
	}
	if a.MaybeStored > 0 {
		fmt.Fprintf(b, "              maybe stored: sent, no answer (timeout, lost connection); the stream may hold them (--verify tells)\n")
	}
	if a.PossibleDuplicates > 0 {
		fmt.Fprintf(b, "              possible duplicates %d (an earlier attempt got no answer: it may have stored them too)\n", a.PossibleDuplicates)
	}
}

// num prints a summary figure (see Figure).
func num(f metrics.Float) string { return Figure(float64(f)) }

// Figure prints a figure with sensible precision for people — three significant digits or the
// whole number — and "—" when there is none (NaN: nothing was measured).
func Figure(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "—"
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func fmtDuration(sec float64) string {
	d := int(math.Round(sec))
	return fmt.Sprintf("%dm%02ds", d/60, d%60)
}
