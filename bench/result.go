package main

import (
	"fmt"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/emulator"
)

// Physical limits of a shard (kinesis-facts.md), which the percentages are of.
const (
	mib                = 1 << 20
	shardBytesPerSec   = mib
	shardRecordsPerSec = 1000
)

// CellResult is one cell's figures. Rates and capacity percentages come from the emulator's
// counters over the measurement window (the load minus its warm-up); totals, throttling and
// accounting cover the whole run including the drain.
type CellResult struct {
	Cell      string    `json:"cell"`
	Situation string    `json:"situation"`
	Contender Contender `json:"contender"`
	Producers int       `json:"producers"`
	Shards    int       `json:"shards"`
	DataBytes int       `json:"data_bytes"`
	// MeanRecordBytes is data + partition key per user record, as offered.
	MeanRecordBytes      float64 `json:"mean_record_bytes"`
	OfferedRecordsPerSec float64 `json:"offered_records_per_sec"`
	OfferedMiBPerSec     float64 `json:"offered_mib_per_sec"`
	WindowSeconds        float64 `json:"window_seconds"`

	// DeliveredMiBPerSec counts what the shards count against their 1 MiB/s: data + partition
	// key of the Kinesis records stored (aggregates whole). DeliveredUserMiBPerSec counts the user
	// records' own data + keys inside them.
	DeliveredMiBPerSec     float64 `json:"delivered_mib_per_sec"`
	DeliveredUserMiBPerSec float64 `json:"delivered_user_mib_per_sec"`
	DeliveredRecordsPerSec float64 `json:"delivered_user_records_per_sec"`
	KinesisRecordsPerSec   float64 `json:"kinesis_records_per_sec"`
	// ByteCapacityPct: DeliveredMiBPerSec as % of shards × 1 MiB/s. RecordBoundPct: user records/s
	// as % of shards × 1000/s (aggregation carries many user records per Kinesis record, so this
	// can pass 100 %).
	ByteCapacityPct float64 `json:"byte_capacity_pct"`
	RecordBoundPct  float64 `json:"record_bound_pct"`
	// ThrottledFraction: Kinesis records refused by the emulator for throughput / all offered.
	ThrottledFraction float64 `json:"throttled_fraction"`

	WriteRequests         int64 `json:"write_requests"`          // sent, as the contenders counted (SDK retries included)
	EmulatorWriteRequests int64 `json:"emulator_write_requests"` // that reached the stream, as the emulator counted

	CPUSeconds           float64   `json:"cpu_seconds"` // summed over the contender's processes
	CPUSecondsPerMillion float64   `json:"cpu_seconds_per_million_delivered"`
	EmulatorCPUSeconds   float64   `json:"emulator_cpu_seconds"` // the orchestrator process, which hosts the emulator
	PeakRSSMiB           float64   `json:"peak_rss_mib"`         // the largest of the contender's processes
	RSS                  RSSGrowth `json:"rss"`

	LatencyP50Ms float64 `json:"latency_p50_ms"`
	LatencyP99Ms float64 `json:"latency_p99_ms"`
	LatencyMaxMs float64 `json:"latency_max_ms"`

	Buckets    Buckets    `json:"buckets"`
	Accounting Accounting `json:"accounting"`
	Late       uint64     `json:"late"`
	LastError  string     `json:"last_error,omitempty"`
	// Fleet is the fleet situation's figures (clients, the outage and the reconnect burst).
	Fleet *FleetFigures `json:"fleet,omitempty"`
	// Error is set when the cell could not run; the figures are then empty.
	Error string `json:"error,omitempty"`
}

// childRun is one contender process's report and its resource use.
type childRun struct {
	Report  childReport
	CPU     time.Duration
	PeakRSS int64 // bytes
	RSS     RSSGrowth
}

// cellRun is what the orchestrator measured for a cell, before any arithmetic.
type cellRun struct {
	Cell            Cell
	Shards          int
	MeanRecordBytes float64
	OfferedRate     float64 // user records/s, all producers together
	WindowFrom      emulator.StreamStats
	WindowTo        emulator.StreamStats
	Window          time.Duration
	Final           emulator.StreamStats
	Children        []childRun
	EmulatorCPU     time.Duration
	Outage          *outageRun // the fleet's outage, or nil
}

// summarize turns a cell's measurements into its figures.
func summarize(r cellRun) (CellResult, error) {
	c := CellResult{
		Cell: r.Cell.Name(), Situation: r.Cell.Situation.Name, Contender: r.Cell.Contender,
		Producers: len(r.Children), Shards: r.Shards, DataBytes: r.Cell.Situation.DataBytes,
		MeanRecordBytes:      r.MeanRecordBytes,
		OfferedRecordsPerSec: r.OfferedRate,
		OfferedMiBPerSec:     r.OfferedRate * r.MeanRecordBytes / mib,
		WindowSeconds:        r.Window.Seconds(),
		EmulatorCPUSeconds:   r.EmulatorCPU.Seconds(),
	}
	if r.Window > 0 {
		secs := r.Window.Seconds()
		from, to := r.WindowFrom.Total, r.WindowTo.Total
		c.DeliveredMiBPerSec = float64(to.AcceptedBytes-from.AcceptedBytes) / secs / mib
		c.DeliveredUserMiBPerSec = float64(to.AcceptedUserBytes-from.AcceptedUserBytes) / secs / mib
		c.DeliveredRecordsPerSec = float64(to.AcceptedUserRecords-from.AcceptedUserRecords) / secs
		c.KinesisRecordsPerSec = float64(to.AcceptedRecords-from.AcceptedRecords) / secs
	}
	if r.Shards > 0 {
		c.ByteCapacityPct = 100 * c.DeliveredMiBPerSec * mib / float64(r.Shards*shardBytesPerSec)
		c.RecordBoundPct = 100 * c.DeliveredRecordsPerSec / float64(r.Shards*shardRecordsPerSec)
	}
	fin := r.Final.Total
	if offered := fin.AcceptedRecords + fin.ThrottledRecords; offered > 0 {
		c.ThrottledFraction = float64(fin.ThrottledRecords) / float64(offered)
	}
	c.EmulatorWriteRequests = r.Final.PutRecordsRequests + r.Final.PutRecordRequests

	var cpu time.Duration
	var growths []RSSGrowth
	merged := hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
	for i, ch := range r.Children {
		rep := ch.Report
		c.Buckets = c.Buckets.Plus(rep.Buckets)
		c.WriteRequests += rep.WriteRequests
		c.Late += rep.Late
		if rep.LastError != "" {
			c.LastError = rep.LastError
		}
		cpu += ch.CPU
		c.PeakRSSMiB = max(c.PeakRSSMiB, float64(ch.PeakRSS)/mib)
		growths = append(growths, ch.RSS)
		if rep.Latency != "" {
			h, err := hdrhistogram.Decode([]byte(rep.Latency))
			if err != nil {
				return c, fmt.Errorf("producer %d: latency histogram: %w", i, err)
			}
			merged.Merge(h)
		}
	}
	c.RSS = worstGrowth(growths)
	c.CPUSeconds = cpu.Seconds()
	if c.Buckets.Delivered > 0 {
		c.CPUSecondsPerMillion = c.CPUSeconds / (float64(c.Buckets.Delivered) / 1e6)
	}
	if merged.TotalCount() > 0 {
		ms := func(us int64) float64 { return float64(us) / 1000 }
		c.LatencyP50Ms, c.LatencyP99Ms = ms(merged.ValueAtQuantile(50)), ms(merged.ValueAtQuantile(99))
		c.LatencyMaxMs = ms(merged.Max())
	}
	c.Accounting = account(c.Buckets, fin.AcceptedUserRecords)
	if err := summarizeFleet(r, &c); err != nil {
		return c, err
	}
	return c, nil
}
