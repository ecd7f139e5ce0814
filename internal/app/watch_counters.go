package app

import (
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/producer"
)

// cwCounters turns CloudWatch's per-period sums into the cumulative counters of a
// producer.Stats, so that the sampler, the store and the whole dashboard work unchanged on a
// stream someone else loads.
//
// CloudWatch data comes late and in whole periods (1 s from a local endpoint, 1 min from AWS):
// adding each period's sum as it arrives would make the sampled rates a comb of spikes. Instead
// the counters run Delay behind the clock and each period's sum is spread evenly over its
// period: at time t a counter holds the integral of the CloudWatch rate up to t−Delay, counted
// from Origin (the watch's start minus Delay, so the first sample starts from zero and later
// backfills add no burst). The dashboard therefore shows what the stream did Delay ago.
type cwCounters struct {
	origin time.Time
	delay  time.Duration
	period time.Duration
	keep   time.Duration // how long behind the integration point a period may still be revised

	mu     sync.Mutex
	series map[cloudwatch.Metric]*cwIntegral
	shards []producer.ShardStats // the open shards (ids and hash ranges), in hash key order
	info   streamInfo
}

// streamInfo is what ListShards and DescribeStreamSummary said last.
type streamInfo struct {
	mapChanges int64
	mapLoaded  time.Time
	mapErr     string
}

// cwIntegral is one series' running integral: base holds the periods folded for good, points
// the recent ones (period start in Unix seconds → the period's sum), which CloudWatch may
// still revise.
type cwIntegral struct {
	base    float64
	baseEnd time.Time
	points  map[int64]float64
	last    float64 // the last value returned: counters never go back
}

// The series a watch turns into counters. The stream's WriteProvisionedThroughputExceeded has
// no place of its own in producer.Stats (the sampler sums the shards' throttles), so throttles
// show only with shard-level metrics.
var (
	cwIncomingRecords = cloudwatch.Metric{Name: "IncomingRecords", Stat: cloudwatch.Sum}
	cwIncomingBytes   = cloudwatch.Metric{Name: "IncomingBytes", Stat: cloudwatch.Sum}
	cwWriteThrottled  = cloudwatch.Metric{Name: "WriteProvisionedThroughputExceeded", Stat: cloudwatch.Sum}
)

func newCWCounters(start time.Time, cfg cloudwatch.Config) *cwCounters {
	// A period's point is read at the first poll after the period ends: it is complete
	// within period + interval, and a little more for the round trip.
	delay := 2*cfg.Period + cfg.Interval
	return &cwCounters{origin: start.Add(-delay), delay: delay, period: cfg.Period,
		keep: time.Duration(cfg.Revisit) * cfg.Period, series: map[cloudwatch.Metric]*cwIntegral{}}
}

// wanted lists the series read into counters for the current shards.
func (c *cwCounters) wanted() []cloudwatch.Metric {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []cloudwatch.Metric{cwIncomingRecords, cwIncomingBytes}
	for _, s := range c.shards {
		for _, m := range []cloudwatch.Metric{cwIncomingRecords, cwIncomingBytes, cwWriteThrottled} {
			m.ShardID = s.ShardID
			out = append(out, m)
		}
	}
	return out
}

// ingest merges the poller's points of m as of now, folding the periods too old to be revised.
func (c *cwCounters) ingest(m cloudwatch.Metric, pts []cloudwatch.Point, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	in := c.series[m]
	if in == nil {
		in = &cwIntegral{points: map[int64]float64{}, baseEnd: c.origin}
		c.series[m] = in
	}
	for _, p := range pts {
		if p.Time.Add(c.period).After(in.baseEnd) {
			in.points[p.Time.Unix()] = p.Value
		}
	}
	at := now.Add(-c.delay)
	for sec, v := range in.points {
		start := time.Unix(sec, 0)
		if end := start.Add(c.period); !end.After(at.Add(-c.keep)) {
			in.base += c.portion(start, v, end)
			in.baseEnd = maxTime(in.baseEnd, end)
			delete(in.points, sec)
		}
	}
}

// value is the series' counter at now (0 for a series never read).
func (c *cwCounters) value(m cloudwatch.Metric, now time.Time) int64 {
	in := c.series[m]
	if in == nil {
		return 0
	}
	at := now.Add(-c.delay)
	v := in.base
	for sec, pv := range in.points {
		v += c.portion(time.Unix(sec, 0), pv, at)
	}
	in.last = max(in.last, v)
	return int64(in.last)
}

// portion is the part of a period's sum v that falls between the origin and upTo, spreading v
// evenly over the period.
func (c *cwCounters) portion(start time.Time, v float64, upTo time.Time) float64 {
	from, to := maxTime(start, c.origin), minTime(start.Add(c.period), upTo)
	if !to.After(from) {
		return 0
	}
	return v * float64(to.Sub(from)) / float64(c.period)
}

// setShards replaces the open shards; it reports whether the set of ids changed.
func (c *cwCounters) setShards(shards []producer.ShardStats, loaded time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	changed := len(shards) != len(c.shards)
	for i := 0; !changed && i < len(shards); i++ {
		changed = shards[i].ShardID != c.shards[i].ShardID
	}
	c.shards = shards
	c.info.mapLoaded, c.info.mapErr = loaded, ""
	if changed {
		c.info.mapChanges++
	}
	return changed
}

func (c *cwCounters) setMapError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.info.mapErr = err.Error()
}

// Stats is the snapshot the sampler reads: Kinesis records and bytes put (and, per shard with
// shard-level metrics, throttles) from CloudWatch, the shard map from ListShards. Everything
// else — user records, requests, buffers, retries, latencies, limiter state — has no source
// outside the producer that loads the stream, and stays zero (histograms nil: no latencies).
func (c *cwCounters) Stats() producer.Stats {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := producer.Stats{Time: now, Stream: producer.StreamStats{
		KinesisRecordsPut: c.value(cwIncomingRecords, now),
		KinesisBytesPut:   c.value(cwIncomingBytes, now),
		ErrorsByCode:      map[string]int64{},
		ShardMapChanges:   c.info.mapChanges,
		ShardMapError:     c.info.mapErr,
	}}
	if !c.info.mapLoaded.IsZero() {
		st.Stream.ShardMapAge = now.Sub(c.info.mapLoaded)
	}
	st.Shards = make([]producer.ShardStats, len(c.shards))
	for i, s := range c.shards {
		id := func(m cloudwatch.Metric) cloudwatch.Metric { m.ShardID = s.ShardID; return m }
		s.KinesisRecordsPut = c.value(id(cwIncomingRecords), now)
		s.KinesisBytesPut = c.value(id(cwIncomingBytes), now)
		s.Throttles = c.value(id(cwWriteThrottled), now)
		s.ErrorsByCode = map[string]int64{}
		st.Shards[i] = s
	}
	return st
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
