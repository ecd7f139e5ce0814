package app

import (
	"fmt"
	"slices"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// The watch's outside view: every second the watch assembles a metrics.OutsideView from what it
// has read — the stream's summary and open shards, the AWS/Kinesis series the poller keeps, and
// the optional parts — and hands it to the advisor. The views, the headless lines and the
// report all read the latest one.

// Source names, in the order every list shows them.
const (
	srcStreamMetrics = "CloudWatch stream metrics"
	srcShardMetrics  = "CloudWatch shard metrics"
	srcKPL           = "KPL metrics"
	srcAgents        = "shardstorm agents"
	srcSample        = "record sample"
)

// pointHistory is the part of the poller the view reads.
type pointHistory interface {
	History(m cloudwatch.Metric) []cloudwatch.Point
}

// cwFigures converts the poller's kept points of ms into CWFigures: complete periods only (a
// period still running would read as a drop), oldest first; a series with no complete point
// is left out, as CloudWatch leaves out a period with no datum.
func cwFigures(h pointHistory, ms []cloudwatch.Metric, period time.Duration, now time.Time) *metrics.CWFigures {
	f := &metrics.CWFigures{Namespace: "AWS/Kinesis", Period: period, Series: map[metrics.CWSeriesID][]metrics.CWPoint{}}
	for _, m := range ms {
		var pts []metrics.CWPoint
		for _, p := range h.History(m) {
			if p.Time.Add(period).After(now) {
				continue
			}
			pts = append(pts, metrics.CWPoint{Start: p.Time, Value: p.Value})
		}
		if len(pts) > 0 {
			f.Series[metrics.CWSeriesID{Name: m.Name, Stat: m.Stat, ShardID: m.ShardID}] = pts
		}
	}
	return f
}

// buildOutside assembles the view at now. It reads the poller and the parts; it calls nothing
// remote.
func (w *Watch) buildOutside(now time.Time) *metrics.OutsideView {
	w.mu.Lock()
	stream := w.stream
	stream.Shards = slices.Clone(w.stream.Shards)
	stream.ShardLevelMetrics = slices.Clone(w.stream.ShardLevelMetrics)
	w.mu.Unlock()
	cfg := w.poller.Config()
	v := &metrics.OutsideView{Time: now, Stream: stream}

	st := w.poller.State()
	if st.Status != cloudwatch.Pending && st.Status != cloudwatch.AccessDenied && st.Status != cloudwatch.Unavailable || !st.LastSuccess.IsZero() {
		v.Kinesis = cwFigures(w.poller, cloudwatch.StreamMetrics(), cfg.Period, now)
	}
	if len(stream.ShardLevelMetrics) > 0 && v.Kinesis != nil {
		var ms []cloudwatch.Metric
		for _, s := range stream.Shards {
			for _, m := range cloudwatch.ShardMetrics(s.ShardID) {
				if slices.Contains(stream.ShardLevelMetrics, m.Name) || slices.Contains(stream.ShardLevelMetrics, "ALL") {
					ms = append(ms, m)
				}
			}
		}
		v.ShardLevel = cwFigures(w.poller, ms, cfg.Period, now)
	}
	p := w.parts
	if p.kpl != nil {
		v.KPL = p.kpl.Figures()
	}
	if p.agents != nil {
		v.Agents = p.agents.Figures()
	}
	if p.sample != nil {
		v.Sample = p.sample.Sample()
	}
	v.Sources = w.sources(stream, st, cfg)
	return v
}

// sources lists every source in a fixed order, with what it costs and why one is off.
func (w *Watch) sources(stream metrics.OutsideStream, st cloudwatch.State, cfg cloudwatch.Config) []metrics.Source {
	local := w.opts.Endpoint != ""
	res := periodWords(cfg.Period) + " sums"
	streamSrc := metrics.Source{Name: srcStreamMetrics, Status: cwStatus(st), Resolution: res,
		Cost: getMetricDataCost(len(cloudwatch.StreamMetrics()), cfg.Interval, local, "the stream"), Detail: st.Err}
	shardSrc := metrics.Source{Name: srcShardMetrics, Resolution: res}
	perShard := 0 // the shard-level series the poller reads per shard: those enabled
	for _, m := range cloudwatch.ShardMetrics("") {
		if slices.Contains(stream.ShardLevelMetrics, m.Name) || slices.Contains(stream.ShardLevelMetrics, "ALL") {
			perShard++
		}
	}
	switch {
	case len(stream.ShardLevelMetrics) == 0:
		shardSrc.Status = "off"
		shardSrc.Detail = "enhanced monitoring is off; --enable-shard-metrics (or e in the dashboard) turns it on"
		shardSrc.Cost = enhancedMonitoringCost
	default:
		shardSrc.Status = streamSrc.Status
		shardSrc.Detail = fmt.Sprintf("enhanced monitoring on: %v", stream.ShardLevelMetrics)
		shardSrc.Cost = enhancedMonitoringCost + "; " + getMetricDataCost(perShard, cfg.Interval, local, "each shard")
	}
	out := []metrics.Source{streamSrc, shardSrc}
	p := w.parts
	out = append(out, partSource(p.kpl, srcKPL, "--kpl-namespace NAME reads a KPL application's metrics"))
	out = append(out, partSource(p.agents, srcAgents, "--agents-namespace NAME reads shardstorm agents' metrics (run --publish-metrics)"))
	if p.sample != nil {
		out = append(out, p.sample.Source())
	} else {
		out = append(out, sourceOff(srcSample, "--sample-shards N reads a paced sample of the stream's newest records (kinesis:GetRecords)"))
	}
	return out
}

func partSource(f figureSource, name, how string) metrics.Source {
	if f == nil {
		return sourceOff(name, how)
	}
	return f.Source()
}

// cwStatus words the poller's state as a Source status.
func cwStatus(st cloudwatch.State) string {
	switch st.Status {
	case cloudwatch.Pending:
		return "starting"
	case cloudwatch.OK, cloudwatch.Degraded:
		return "reading"
	case cloudwatch.AccessDenied:
		return "denied"
	case cloudwatch.Disabled:
		return "off"
	}
	return "unavailable"
}

// enhancedMonitoringCost: AWS bills shard-level metrics as CloudWatch custom metrics — one per
// metric per shard, USD 0.30 a month each for the first 10,000 at the us-east-1 list price
// (prorated by the hour). The three a watch turns on cost about USD 0.90 per shard-month.
const enhancedMonitoringPerShardMonth = 3 * 0.30

const enhancedMonitoringCost = "3 metrics per shard billed as CloudWatch custom metrics: ≈ USD 0.90 per shard-month (USD 0.30 per metric-month, us-east-1 list price; check your region)"

// getMetricDataCost states what polling n queries every interval costs, as
// metrics/cloudwatch.Config's comment prices it (USD 0.01 per 1,000 metrics requested).
func getMetricDataCost(n int, interval time.Duration, local bool, of string) string {
	if local {
		return fmt.Sprintf("GetMetricData: %d queries per poll for %s every %v; free against a local endpoint", n, of, interval)
	}
	perDay := float64(n) * (24 * time.Hour).Seconds() / interval.Seconds()
	return fmt.Sprintf("GetMetricData: %d queries per poll for %s every %v ≈ %s a day (≈ USD %.2f a day at USD 0.01 per 1,000)",
		n, of, interval, Figure(perDay), perDay/1000*0.01)
}

// periodWords: "1-minute", "1-second", "5-minute".
func periodWords(p time.Duration) string {
	switch {
	case p%time.Minute == 0:
		return fmt.Sprintf("%d-minute", int(p/time.Minute))
	default:
		return fmt.Sprintf("%d-second", int(p/time.Second))
	}
}

// Outside is the latest outside view (nil before the first).
func (w *Watch) Outside() *metrics.OutsideView {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.outside
}

// Unseen lists what cannot be seen from outside the producer, as the advisor words it for the
// latest view.
func (w *Watch) Unseen() []string {
	v := w.Outside()
	if v == nil {
		v = &metrics.OutsideView{} // before the first view: no source has been read yet
	}
	if w.parts.unseen == nil {
		return nil
	}
	return w.parts.unseen(v)
}

// Findings are the advisor's active findings, most severe first (none without an advisor).
func (w *Watch) Findings() []metrics.Finding {
	if w.parts.advisor == nil {
		return nil
	}
	return w.parts.advisor.Active()
}

// FindingsHistory is every finding raised during the watch, for the report.
func (w *Watch) FindingsHistory() []metrics.Finding {
	if w.parts.advisor == nil {
		return nil
	}
	return w.parts.advisor.History()
}

// observe builds the view, keeps it, feeds the advisor and the sampler, and logs findings.
func (w *Watch) observe(now time.Time) {
	v := w.buildOutside(now)
	w.mu.Lock()
	w.outside = v
	w.mu.Unlock()
	w.acc.add(v)
	p := w.parts
	if p.sample != nil {
		p.sample.SetShards(v.Stream.Shards)
		p.sample.SetBusiest(busiestShards(v))
	}
	if p.advisor != nil {
		raised, cleared := p.advisor.ObserveOutside(v)
		for _, f := range raised {
			w.events.Addf(Warn, "finding [%s] %s: %s", f.Severity, f.Title, f.Summary)
		}
		for _, f := range cleared {
			w.events.Addf(Info, "cleared: %s%s", f.Title, About(f))
		}
	}
}

// busiestShards orders the open shards by their incoming bytes, busiest first, when
// shard-level metrics say; nil otherwise (the sampler picks).
func busiestShards(v *metrics.OutsideView) []string {
	if v.ShardLevel == nil {
		return nil
	}
	type load struct {
		id    string
		bytes float64
	}
	var ls []load
	for _, s := range v.Stream.Shards {
		b := v.ShardLevel.Rate(metrics.CWSeriesID{Name: "IncomingBytes", Stat: cloudwatch.Sum, ShardID: s.ShardID})
		if b == b { // not NaN
			ls = append(ls, load{s.ShardID, b})
		}
	}
	slices.SortStableFunc(ls, func(a, b load) int {
		switch {
		case a.bytes > b.bytes:
			return -1
		case a.bytes < b.bytes:
			return 1
		}
		return 0
	})
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.id
	}
	return out
}
