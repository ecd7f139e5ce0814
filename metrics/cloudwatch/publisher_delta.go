package cloudwatch

import (
	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/shardstorm/shardstorm/producer"
)

// deltaStats is what happened between two snapshots of one producer, as a Stats whose
// counters cover only that interval (gauges such as UserRecordsPending keep their current
// value). KPLMetrics of it gives the interval's figures — counts, but also ratios and mean
// latencies over the interval, not since start — which is what the KPL uploads each minute.
// A counter that went backwards (a shard's state replaced) counts from zero.
func deltaStats(prev, cur producer.Stats) producer.Stats {
	d := cur
	a, b := prev.Stream, cur.Stream
	s := &d.Stream
	s.UserRecordsReceived = cwDelta(a.UserRecordsReceived, b.UserRecordsReceived)
	s.UserRecordsPut = cwDelta(a.UserRecordsPut, b.UserRecordsPut)
	s.UserBytesPut = cwDelta(a.UserBytesPut, b.UserBytesPut)
	s.KinesisRecordsPut = cwDelta(a.KinesisRecordsPut, b.KinesisRecordsPut)
	s.KinesisBytesPut = cwDelta(a.KinesisBytesPut, b.KinesisBytesPut)
	s.Requests = cwDelta(a.Requests, b.Requests)
	s.RequestRecords = cwDelta(a.RequestRecords, b.RequestRecords)
	s.Retries = cwDelta(a.Retries, b.Retries)
	s.RetriesOfPutRecords = cwDelta(a.RetriesOfPutRecords, b.RetriesOfPutRecords)
	s.Failed = cwDelta(a.Failed, b.Failed)
	s.Expired = cwDelta(a.Expired, b.Expired)
	s.WrongShardResends = cwDelta(a.WrongShardResends, b.WrongShardResends)
	s.ShardMapChanges = cwDelta(a.ShardMapChanges, b.ShardMapChanges)
	s.ErrorsByCode = deltaCodes(a.ErrorsByCode, b.ErrorsByCode)
	s.BufferingTime = deltaHistogram(a.BufferingTime, b.BufferingTime)
	s.RequestTime = deltaHistogram(a.RequestTime, b.RequestTime)
	s.EndToEndTime = deltaHistogram(a.EndToEndTime, b.EndToEndTime)

	before := make(map[string]producer.ShardStats, len(prev.Shards))
	for _, sh := range prev.Shards {
		before[sh.ShardID] = sh
	}
	d.Shards = make([]producer.ShardStats, len(cur.Shards))
	for i, c := range cur.Shards {
		p := before[c.ShardID] // a new shard starts from zero
		x := c
		x.UserRecordsPut = cwDelta(p.UserRecordsPut, c.UserRecordsPut)
		x.UserBytesPut = cwDelta(p.UserBytesPut, c.UserBytesPut)
		x.KinesisRecordsPut = cwDelta(p.KinesisRecordsPut, c.KinesisRecordsPut)
		x.KinesisBytesPut = cwDelta(p.KinesisBytesPut, c.KinesisBytesPut)
		x.Throttles = cwDelta(p.Throttles, c.Throttles)
		x.Retries = cwDelta(p.Retries, c.Retries)
		x.Failed = cwDelta(p.Failed, c.Failed)
		x.Expired = cwDelta(p.Expired, c.Expired)
		x.WrongShard = cwDelta(p.WrongShard, c.WrongShard)
		x.ErrorsByCode = deltaCodes(p.ErrorsByCode, c.ErrorsByCode)
		d.Shards[i] = x
	}
	return d
}

func cwDelta(prev, cur int64) int64 {
	if cur < prev {
		return cur
	}
	return cur - prev
}

// deltaCodes keeps only the codes that occurred in the interval.
func deltaCodes(prev, cur map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for code, n := range cur {
		if d := cwDelta(prev[code], n); d > 0 {
			out[code] = d
		}
	}
	return out
}

// deltaHistogram subtracts bucket counts: exact, since both snapshots come from the same
// histogram. Never nil, because KPLMetrics takes the mean of it.
func deltaHistogram(prev, cur *hdrhistogram.Histogram) *hdrhistogram.Histogram {
	if cur == nil {
		return hdrhistogram.New(1, 2, 1)
	}
	if prev == nil || prev.TotalCount() == 0 {
		return cur
	}
	a, b := prev.Export(), cur.Export()
	if a.LowestTrackableValue != b.LowestTrackableValue || a.HighestTrackableValue != b.HighestTrackableValue ||
		a.SignificantFigures != b.SignificantFigures || len(a.Counts) > len(b.Counts) {
		return cur // not the same histogram: the best we have is the total
	}
	for i, n := range a.Counts {
		b.Counts[i] = max(b.Counts[i]-n, 0)
	}
	return hdrhistogram.Import(b)
}
