package app

import (
	"math"
	"slices"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// watchFigures keeps, for the report, the periods of the series the report sums over the
// whole watch: the poller keeps only its recent points (History), a watch may run for hours.
// A period read again replaces its earlier value (CloudWatch revises recent points). Memory is
// one float per period per series kept: a day of 1-minute periods is 1,440 per series.
type watchFigures struct {
	mu     sync.Mutex
	period time.Duration
	series map[metrics.CWSeriesID]map[int64]float64 // period start (Unix seconds) → value
	shards int
}

// The series the report keeps: the stream's and each shard's writes and throttles, and the
// agents' user records, bytes and errors (the KPL's names, as agents publish them).
var (
	reportStreamNames = []string{"IncomingRecords", "IncomingBytes", "WriteProvisionedThroughputExceeded"}
	agentRecords      = "UserRecordsPut"
	agentBytes        = "UserRecordsDataPut"
	agentErrors       = "AllErrors"
)

func newWatchFigures() *watchFigures {
	return &watchFigures{series: map[metrics.CWSeriesID]map[int64]float64{}}
}

// add merges a view's complete periods.
func (a *watchFigures) add(v *metrics.OutsideView) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.shards = len(v.Stream.Shards)
	keep := func(f *metrics.CWFigures, ok func(metrics.CWSeriesID) bool) {
		if f == nil {
			return
		}
		if a.period == 0 {
			a.period = f.Period
		}
		for id, pts := range f.Series {
			if id.Stat != "Sum" || !ok(id) {
				continue
			}
			m := a.series[id]
			if m == nil {
				m = map[int64]float64{}
				a.series[id] = m
			}
			for _, p := range pts {
				m[p.Start.Unix()] = p.Value
			}
		}
	}
	streamName := func(id metrics.CWSeriesID) bool { return slices.Contains(reportStreamNames, id.Name) }
	keep(v.Kinesis, func(id metrics.CWSeriesID) bool { return id.ShardID == "" && streamName(id) })
	keep(v.ShardLevel, func(id metrics.CWSeriesID) bool { return id.ShardID != "" && streamName(id) })
	keep(v.Agents, func(id metrics.CWSeriesID) bool {
		return id.Agent != "" && id.ShardID == "" && id.ErrorCode == "" && (id.Name == agentRecords || id.Name == agentBytes || id.Name == agentErrors)
	})
}

// stats is a Sum series' total, mean rate (over the periods from its first to its last) and
// peak one-period rate; NaN each when the series has no point.
func (a *watchFigures) stats(id metrics.CWSeriesID) (total, mean, peak float64) {
	m := a.series[id]
	if len(m) == 0 || a.period <= 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	peak = math.Inf(-1)
	for start, v := range m {
		total += v
		first, last = min(first, start), max(last, start)
		peak = max(peak, v)
	}
	span := time.Duration(last-first)*time.Second + a.period
	return total, total / span.Seconds(), peak / a.period.Seconds()
}

func (a *watchFigures) rates(shard string) metrics.WatchRates {
	id := func(name string) metrics.CWSeriesID {
		return metrics.CWSeriesID{Name: name, Stat: "Sum", ShardID: shard}
	}
	_, rec, peakRec := a.stats(id("IncomingRecords"))
	_, by, peakBy := a.stats(id("IncomingBytes"))
	thr, thrRate, peakThr := a.stats(id("WriteProvisionedThroughputExceeded"))
	return metrics.WatchRates{RecordsPerSec: metrics.Float(rec), PeakRecordsPerSec: metrics.Float(peakRec),
		BytesPerSec: metrics.Float(by), PeakBytesPerSec: metrics.Float(peakBy),
		Throttled: metrics.Float(thr), ThrottledPerSec: metrics.Float(thrRate), PeakThrottledPerSec: metrics.Float(peakThr)}
}

// figures is the report's figures section.
func (a *watchFigures) figures() metrics.WatchFigures {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := metrics.WatchFigures{PeriodSeconds: a.period.Seconds(), OpenShards: a.shards, Stream: a.rates(""), Shards: []metrics.WatchShardRates{}}
	f.Periods = len(a.series[metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum"}])
	var shards, agents []string
	for id := range a.series {
		switch {
		case id.ShardID != "" && !slices.Contains(shards, id.ShardID):
			shards = append(shards, id.ShardID)
		case id.Agent != "" && !slices.Contains(agents, id.Agent):
			agents = append(agents, id.Agent)
		}
	}
	slices.Sort(shards)
	for _, s := range shards {
		f.Shards = append(f.Shards, metrics.WatchShardRates{ShardID: s, WatchRates: a.rates(s)})
	}
	slices.Sort(agents)
	if len(agents) > 0 {
		none := metrics.Float(math.NaN()) // a figure no agent published stays missing in the sums
		total := metrics.WatchAgentRates{RecordsPerSec: none, BytesPerSec: none, ErrorsPerSec: none, Records: none, Errors: none}
		for _, ag := range agents {
			r := a.agentRates(ag)
			f.Agents = append(f.Agents, r)
			total.RecordsPerSec = addFloat(total.RecordsPerSec, r.RecordsPerSec)
			total.BytesPerSec = addFloat(total.BytesPerSec, r.BytesPerSec)
			total.ErrorsPerSec = addFloat(total.ErrorsPerSec, r.ErrorsPerSec)
			total.Records = addFloat(total.Records, r.Records)
			total.Errors = addFloat(total.Errors, r.Errors)
		}
		f.AgentsTotal = &total
	}
	return f
}

func (a *watchFigures) agentRates(agent string) metrics.WatchAgentRates {
	rate := func(name string) metrics.Float {
		_, mean, _ := a.stats(metrics.CWSeriesID{Name: name, Stat: "Sum", Agent: agent})
		return metrics.Float(mean)
	}
	sum := func(name string) metrics.Float {
		total, _, _ := a.stats(metrics.CWSeriesID{Name: name, Stat: "Sum", Agent: agent})
		return metrics.Float(total)
	}
	return metrics.WatchAgentRates{Agent: agent, RecordsPerSec: rate(agentRecords), BytesPerSec: rate(agentBytes), ErrorsPerSec: rate(agentErrors),
		Records: sum(agentRecords), Errors: sum(agentErrors)}
}

// addFloat sums two figures, a missing one (NaN) counting as nothing.
func addFloat(a, b metrics.Float) metrics.Float {
	switch {
	case math.IsNaN(float64(a)):
		return b
	case math.IsNaN(float64(b)):
		return a
	}
	return a + b
}

// Report is the watch's report as of now: the figures over the whole watch, the sources as
// they stand, every finding raised and what cannot be seen.
func (w *Watch) Report(now time.Time) metrics.WatchReport {
	r := metrics.WatchReport{SchemaVersion: metrics.WatchReportVersion, Stream: w.opts.Stream, Started: w.started, Ended: now,
		DurationSeconds: now.Sub(w.started).Seconds(), Figures: w.acc.figures(), Findings: w.FindingsHistory(), Unseen: w.Unseen()}
	if v := w.Outside(); v != nil {
		r.Sources = v.Sources
	} else {
		r.Sources = w.buildOutside(now).Sources
	}
	if r.Findings == nil {
		r.Findings = []metrics.Finding{}
	}
	if r.Unseen == nil {
		r.Unseen = []string{}
	}
	return r
}
