package main

import (
	"fmt"
	"strings"
	"time"
)

// renderMarkdown renders a report: where it ran, the targets, how to read the figures, then a
// table per situation.
func renderMarkdown(r Report) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	p("# shardstorm bench: how much of a stream's capacity each way of writing delivers\n\n")
	p("Ran %s on **%s, %d cores", r.Started.UTC().Format("2006-01-02 15:04 MST"), m.CPU, m.Cores)
	if m.MemoryGiB != "" {
		p(", %s GiB", m.MemoryGiB)
	}
	p("**, %s", m.OS)
	if m.Kernel != "" {
		p(" (kernel %s)", m.Kernel)
	}
	p(", %s. Wall time of the run: %s.", m.Go, (time.Duration(r.WallSeconds) * time.Second).String())
	if r.LoadAverageStart != "" {
		p(" Load average (1 min): %s at the start, %s at the end (anything else running on the machine shares its cores).", r.LoadAverageStart, r.LoadAverageEnd)
	}
	p("\n\nCommand: `%s`\n\n", r.Command)

	p("## Targets (shardstorm's defaults)\n\n| Target | Verdict | Figures |\n|---|---|---|\n")
	for _, t := range r.Targets {
		p("| %s | **%s** | %s |\n", t.Name, t.Verdict, escape(t.Detail))
	}
	p("\n")
	renderNotes(&b, r.Settings)
	for _, sit := range situations {
		var cells []CellResult // in contender order, whatever order they ran in
		for _, ci := range sit.contenders() {
			for _, c := range r.Cells {
				if c.Situation == sit.Name && c.Contender == ci.Name {
					cells = append(cells, c)
				}
			}
		}
		if len(cells) > 0 {
			renderSituation(&b, sit, cells)
		}
	}
	return b.String()
}

func renderNotes(b *strings.Builder, s Settings) {
	lim := s.Shards
	fmt.Fprintf(b, `## How to read this

- **Stream**: %d shards of shardstorm's in-process emulator, which enforces Kinesis's write limits per shard (1 MiB/s and 1000 records/s, partition keys counted). Physical limit: **%d MiB/s and %s records/s**. A fresh stream per cell.
- **Offered load is in bytes** (data + partition key, as the shards count them): 150 %% is %d MiB/s whatever the record size. At 100-byte records that is ~115,000 records/s, far past the %s records/s that unaggregated records can ever get through; aggregation is what lifts that bound. Keys: a pool of 10,000 ids (7.9 bytes on average; with 36-byte UUID keys no producer could reach 8× the unaggregated records bound at 100 bytes, since every aggregated user record carries its key); hot key: 30 %% of records on one key.
- **Timing**: each cell offers load for %s (the issue's figure is 60 s; %s keeps the matrix's cells within about 15 minutes on 2 cores; `+"`go run ./bench -duration 60s -cell 1p-100b/putrecords`"+` runs one cell for 60 s), then may drain for up to %s. Rates are measured over the load less its first %s (an idle shard starts with a full burst allowance).
- **Ground truth** is the emulator's counters, not the contender's: delivered MiB/s are the Kinesis record bytes stored (what the 1 MiB/s counts, aggregates whole); user records/s count the user records inside KPL aggregates, decoded at ingest as a consumer would; throttled = Kinesis records refused for throughput ÷ all offered, over the whole run. A shard's bucket holds one second of burst, so a rate can pass 100 %% by the burst the window started with.
- **Processes**: each contender runs in its own process(es), so CPU (user + system) and peak RSS are its own; in the four-producer situation CPU is summed over the four processes and RSS is the largest one's. The emulator runs in the orchestrator process on the same cores; its CPU is shown apart. A contender that re-sends throttled records without pause keeps the emulator busy refusing them, and so competes with it for the machine. The `+"`shardstorm` and `kpl`"+` contender processes set a soft memory limit of the producer's MaxBufferedBytes + 48 MiB (112 MiB), as `+"`shardstorm run`"+` does against AWS, so that the garbage collector's headroom does not double a full buffer; GOMEMLIMIT in the environment overrides it.
- **Latency**: from the generator handing a record to the contender to its acknowledged success, per delivered record (p50 / p99).
- **Every record ends in one bucket**: delivered, failed, expired, not sent (the contender's queue or buffer was full, or the machine fell a second behind the schedule), or pending when the drain ran out. **Accounted** = the buckets sum to the records generated *and* the emulator stored as many user records as were acknowledged, plus at most the records of unknown outcome: pending ones whose request was abandoned in flight (shown "in flight"), failed ones whose request timed out or lost its connection, and ones re-sent after such a request (by the client or under it by the SDK's retries). The service may have stored those without an acknowledgement reaching the contender — Kinesis writes are at least once.
- **Contenders** (all through the real aws-sdk-go-v2 client; putrecord and putrecords use %d goroutines and a queue of %s records; both producers aggregate and keep shardstorm's default buffer bounds, 100,000 records and 64 MiB, which the real KPL does not have):
`, s.Shards, lim, formatInt(int64(lim*shardRecordsPerSec)), lim*3/2, formatInt(int64(lim*shardRecordsPerSec)),
		seconds(s.DurationSeconds), seconds(s.DurationSeconds), seconds(s.DrainSeconds), seconds(s.WarmupSeconds), s.Workers, formatInt(int64(s.Queue)))
	for _, c := range contenderInfo {
		fmt.Fprintf(b, "  - `%s`: %s\n", c.Name, c.Title)
	}
	b.WriteString("  - The fleet situation has contenders of its own, listed in its section.\n\n")
}

// formatMs shows a latency in whole milliseconds, or with one decimal under 10 ms.
func formatMs(ms float64) string {
	if ms < 10 {
		return formatFloat(ms, 1)
	}
	return formatFloat(ms, 0)
}

func seconds(s float64) string { return (time.Duration(s * float64(time.Second))).String() }

func renderSituation(b *strings.Builder, sit Situation, cells []CellResult) {
	fmt.Fprintf(b, "## %s (`%s`)\n\n", sit.Title, sit.Name)
	for _, c := range cells {
		if c.Error == "" && c.OfferedRecordsPerSec > 0 {
			by := fmt.Sprintf("%d process(es)", c.Producers)
			if c.Fleet != nil {
				by = fmt.Sprintf("%s clients in %s", formatInt(int64(c.Fleet.Clients)), by)
			}
			fmt.Fprintf(b, "Offered %s user records/s (%s MiB/s; %s bytes per record with its key) by %s.\n\n",
				formatFloat(c.OfferedRecordsPerSec, 0), formatFloat(c.OfferedMiBPerSec, 2), formatFloat(c.MeanRecordBytes, 1), by)
			break
		}
	}
	b.WriteString("| Contender | Delivered MiB/s | % of bytes | User records/s | % of 1000/s/shard | Throttled | Requests | CPU s | CPU s / M records | Emulator CPU s | Peak RSS MiB | p50 / p99 ms | Failed / expired | Not sent | Pending at end | Accounted |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, c := range cells {
		if c.Error != "" {
			fmt.Fprintf(b, "| `%s` | cell failed: %s |||||||||||||||\n", c.Contender, escape(c.Error))
			continue
		}
		acc := "yes"
		if c.Accounting.Extra > 0 {
			acc += fmt.Sprintf(" (%s stored beyond those acknowledged, of the %s whose requests went unanswered)", formatInt(c.Accounting.Extra), formatInt(c.Buckets.UnknownOutcome()))
		}
		if !c.Accounting.Accounted {
			acc = "**no**: " + escape(strings.Join(c.Accounting.Problems, "; "))
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s |\n",
			c.Contender, formatFloat(c.DeliveredMiBPerSec, 2), formatFloat(c.ByteCapacityPct, 1)+" %",
			formatFloat(c.DeliveredRecordsPerSec, 0), formatFloat(c.RecordBoundPct, 0)+" %",
			formatPct(c.ThrottledFraction), formatInt(c.WriteRequests), formatFloat(c.CPUSeconds, 1),
			formatFloat(c.CPUSecondsPerMillion, 1), formatFloat(c.EmulatorCPUSeconds, 1), formatFloat(c.PeakRSSMiB, 0),
			formatMs(c.LatencyP50Ms), formatMs(c.LatencyP99Ms),
			formatInt(c.Buckets.Failed), formatInt(c.Buckets.Expired), formatInt(c.Buckets.NotSent()), pendingCell(c.Buckets), acc)
	}
	if sit.Fleet != nil {
		renderFleet(b, sit, cells)
	}
	var notes []string
	for _, c := range cells {
		if c.Error == "" && c.LastError != "" {
			notes = append(notes, fmt.Sprintf("`%s` last error: %s", c.Contender, escape(truncate(c.LastError, 300))))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "  \n") + "\n")
	}
	b.WriteString("\n")
}

// escape keeps a value inside its table cell.
func escape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// pendingCell is the pending count, with those abandoned in flight (which may be stored).
func pendingCell(b Buckets) string {
	if b.PendingInFlight == 0 {
		return formatInt(b.PendingAtEnd)
	}
	return formatInt(b.PendingAtEnd) + " (" + formatInt(b.PendingInFlight) + " in flight)"
}
