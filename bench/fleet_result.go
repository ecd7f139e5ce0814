package main

import (
	"fmt"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/emulator"
)

// snapshot is the emulator's counters at a moment of a run.
type snapshot struct {
	stats emulator.StreamStats
	at    time.Time
}

// outageRun is the emulator's counters around a fleet's outage: when it began, when the clients
// reconnected, and at the end of the load.
type outageRun struct {
	At, For                   time.Duration
	Start, Reconnect, LoadEnd snapshot
}

// FleetFigures are a fleet cell's own figures: its clients, what the application waited for
// each put, where the records put while offline ended, and the stream around the reconnect.
type FleetFigures struct {
	Connectivity     string  `json:"connectivity"`
	OutageAtSeconds  float64 `json:"outage_at_seconds"`
	OutageForSeconds float64 `json:"outage_for_seconds"`
	clientFigures

	// Application-side latency of a put, from the app handing the record to its client to the
	// client's acknowledged success (what a user waits when the put is on the critical path),
	// split by whether the clients were online when the record was put.
	OnlineP50Ms  float64 `json:"online_put_latency_p50_ms"`
	OnlineP99Ms  float64 `json:"online_put_latency_p99_ms"`
	OfflineP50Ms float64 `json:"offline_put_latency_p50_ms"`
	OfflineP99Ms float64 `json:"offline_put_latency_p99_ms"`

	// The records put while the clients were offline (buffered), and where they ended.
	OfflinePut       int64 `json:"offline_put"`
	OfflineDelivered int64 `json:"offline_delivered"`
	OfflineFailed    int64 `json:"offline_failed"`
	OfflineExpired   int64 `json:"offline_expired"`
	OfflinePending   int64 `json:"offline_pending"`

	// The stream, from the emulator's counters: throttled share of the Kinesis records offered
	// and user records stored per second, from the start to the outage, and from the reconnect
	// (the burst) to the end of the run (throttling) or of the load (rate).
	ThrottledBeforeOutage   float64 `json:"throttled_before_outage"`
	ThrottledAfterReconnect float64 `json:"throttled_after_reconnect"`
	RecordsPerSecBefore     float64 `json:"stored_records_per_sec_before_outage"`
	RecordsPerSecAfter      float64 `json:"stored_records_per_sec_after_reconnect"`
}

// summarizeFleet adds a fleet cell's figures to c, and to its accounting the check of the
// records put offline.
func summarizeFleet(r cellRun, c *CellResult) error {
	var reps []*childFleetReport
	for _, ch := range r.Children {
		if ch.Report.Fleet != nil {
			reps = append(reps, ch.Report.Fleet)
		}
	}
	if len(reps) == 0 {
		return nil
	}
	f := &FleetFigures{Connectivity: "always"}
	online, offline := newLatencyHistogram(), newLatencyHistogram()
	for i, rep := range reps {
		if i == 0 {
			f.clientFigures = rep.Clients
		} else { // producers' fleets side by side: their clients add up
			f.Clients += rep.Clients.Clients
			f.MinOnline += rep.Clients.MinOnline
			f.MaxOffline += rep.Clients.MaxOffline
			f.PeakBuffering += rep.Clients.PeakBuffering
			f.PeakBuffered += rep.Clients.PeakBuffered
			f.Reconnects += rep.Clients.Reconnects
		}
		f.OfflinePut += rep.OfflinePut
		f.OfflineDelivered += rep.OfflineDelivered
		f.OfflineFailed += rep.OfflineFailed
		f.OfflineExpired += rep.OfflineExpired
		f.OfflinePending += rep.OfflinePending
		for _, h := range []struct {
			enc  string
			into *hdrhistogram.Histogram
		}{{rep.LatencyOnline, online}, {rep.LatencyOffline, offline}} {
			if h.enc == "" {
				continue
			}
			d, err := hdrhistogram.Decode([]byte(h.enc))
			if err != nil {
				return fmt.Errorf("producer %d: fleet latency histogram: %w", i, err)
			}
			h.into.Merge(d)
		}
	}
	f.OnlineP50Ms, f.OnlineP99Ms = quantileMs(online, 50), quantileMs(online, 99)
	f.OfflineP50Ms, f.OfflineP99Ms = quantileMs(offline, 50), quantileMs(offline, 99)
	if o := r.Outage; o != nil {
		f.Connectivity = fmt.Sprintf("outage:%s:%s", o.At, o.For)
		f.OutageAtSeconds, f.OutageForSeconds = o.At.Seconds(), o.For.Seconds()
		var zero emulator.StreamStats
		f.ThrottledBeforeOutage = throttledShare(zero, o.Start.stats)
		f.ThrottledAfterReconnect = throttledShare(o.Reconnect.stats, r.Final)
		f.RecordsPerSecBefore = storedPerSec(zero, o.Start.stats, o.At)
		f.RecordsPerSecAfter = storedPerSec(o.Reconnect.stats, o.LoadEnd.stats, o.LoadEnd.at.Sub(o.Reconnect.at))
	}
	c.Fleet = f
	if sum := f.OfflineDelivered + f.OfflineFailed + f.OfflineExpired + f.OfflinePending; sum != f.OfflinePut {
		c.Accounting.Problems = append(c.Accounting.Problems, fmt.Sprintf("of the %d records put offline, %d are in a bucket (%+d)", f.OfflinePut, sum, sum-f.OfflinePut))
		c.Accounting.Accounted = false
	}
	return nil
}

func quantileMs(h *hdrhistogram.Histogram, q float64) float64 {
	if h.TotalCount() == 0 {
		return 0
	}
	return float64(h.ValueAtQuantile(q)) / 1000
}

// throttledShare is the Kinesis records refused for throughput ÷ all offered, between two
// snapshots.
func throttledShare(from, to emulator.StreamStats) float64 {
	thr := to.Total.ThrottledRecords - from.Total.ThrottledRecords
	if offered := thr + to.Total.AcceptedRecords - from.Total.AcceptedRecords; offered > 0 {
		return float64(thr) / float64(offered)
	}
	return 0
}

func storedPerSec(from, to emulator.StreamStats, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(to.Total.AcceptedUserRecords-from.Total.AcceptedUserRecords) / d.Seconds()
}
