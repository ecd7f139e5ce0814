package app

import (
	"math"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// The report's figures cover the whole watch, not the poller's recent window: periods from
// successive views add up, a period read again (CloudWatch revised it) replaces its first value,
// shards come from shard-level series and agents from their published series, with sums.
func TestWatchFiguresOverTheWholeWatch(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	id := func(name, shard, agent string) metrics.CWSeriesID {
		return metrics.CWSeriesID{Name: name, Stat: "Sum", ShardID: shard, Agent: agent}
	}
	fig := func(series map[metrics.CWSeriesID][]metrics.CWPoint) *metrics.CWFigures {
		return &metrics.CWFigures{Period: time.Minute, Series: series}
	}
	shards := []metrics.ShardRange{{ShardID: "shardId-0"}, {ShardID: "shardId-1"}}
	a := newWatchFigures()
	a.add(&metrics.OutsideView{Stream: metrics.OutsideStream{Shards: shards}, Kinesis: fig(map[metrics.CWSeriesID][]metrics.CWPoint{
		id("IncomingRecords", "", ""): {{Start: at(0), Value: 6000}, {Start: at(1), Value: 9000}}, // revised below
		id("IncomingBytes", "", ""):   {{Start: at(0), Value: 6e6}},
	})})
	a.add(&metrics.OutsideView{Stream: metrics.OutsideStream{Shards: shards}, Kinesis: fig(map[metrics.CWSeriesID][]metrics.CWPoint{
		id("IncomingRecords", "", ""):                    {{Start: at(1), Value: 12000}, {Start: at(2), Value: 18000}},
		id("WriteProvisionedThroughputExceeded", "", ""): {{Start: at(2), Value: 600}},
	}), ShardLevel: fig(map[metrics.CWSeriesID][]metrics.CWPoint{
		id("IncomingRecords", "shardId-1", ""): {{Start: at(2), Value: 15000}},
	}), Agents: fig(map[metrics.CWSeriesID][]metrics.CWPoint{
		id("UserRecordsPut", "", "agent-a"):     {{Start: at(2), Value: 6000}},
		id("UserRecordsPut", "", "agent-b"):     {{Start: at(2), Value: 3000}},
		id("UserRecordsDataPut", "", "agent-b"): {{Start: at(2), Value: 3e5}},
	})})
	f := a.figures()
	s := f.Stream
	if f.Periods != 3 || f.OpenShards != 2 || f.PeriodSeconds != 60 {
		t.Errorf("periods %d, shards %d, period %v", f.Periods, f.OpenShards, f.PeriodSeconds)
	}
	// (6000 + 12000 + 18000) / 180 s = 200/s; the peak minute 18000/60 = 300/s.
	if s.RecordsPerSec != 200 || s.PeakRecordsPerSec != 300 || s.BytesPerSec != 1e5 || s.Throttled != 600 || s.PeakThrottledPerSec != 10 {
		t.Errorf("stream: %+v", s)
	}
	if len(f.Shards) != 1 || f.Shards[0].ShardID != "shardId-1" || f.Shards[0].RecordsPerSec != 250 || !math.IsNaN(float64(f.Shards[0].BytesPerSec)) {
		t.Errorf("shards: %+v", f.Shards)
	}
	if len(f.Agents) != 2 || f.Agents[0].Agent != "agent-a" || f.Agents[0].RecordsPerSec != 100 || f.Agents[1].BytesPerSec != 5000 ||
		f.AgentsTotal == nil || f.AgentsTotal.RecordsPerSec != 150 || f.AgentsTotal.BytesPerSec != 5000 || !math.IsNaN(float64(f.AgentsTotal.ErrorsPerSec)) {
		t.Errorf("agents: %+v, total %+v", f.Agents, f.AgentsTotal)
	}
}
