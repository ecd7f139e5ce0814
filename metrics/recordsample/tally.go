package recordsample

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/producer/kpl"
)

// tally counts a page of a shard's records, deaggregated, by arrival second; records that
// arrived before the window are read (and paid for) but not counted. It returns the last
// record's arrival (at if none).
func (s *Sampler) tally(id string, r *run, recs []types.Record, at time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	last := at
	var pageBytes int64
	for _, rec := range recs {
		pageBytes += int64(len(rec.Data) + len(aws.ToString(rec.PartitionKey)))
	}
	s.bytesRead += pageBytes
	s.budget.refill(s.cfg.Now())
	s.budget.level -= float64(pageBytes)
	if len(recs) > 0 {
		avg := float64(pageBytes) / float64(len(recs))
		if s.avgRecordBytes == 0 {
			s.avgRecordBytes = avg
		} else {
			s.avgRecordBytes = 0.8*s.avgRecordBytes + 0.2*avg
		}
	}
	if s.running[id] != r {
		return last // its turn ended while the call was out: read, not counted
	}
	r.backoffUntil, r.backoffWhy = time.Time{}, ""
	c := s.counts[id]
	since := s.cfg.Now().Add(-s.cfg.Window)
	for _, rec := range recs {
		arrival := at
		if rec.ApproximateArrivalTimestamp != nil {
			arrival = *rec.ApproximateArrivalTimestamp
		}
		last = arrival
		if arrival.Before(since) {
			continue
		}
		pk := aws.ToString(rec.PartitionKey)
		sec := c.second(arrival)
		sec.records++
		sec.bytes += int64(len(rec.Data) + len(pk))
		subs, aggregated, err := kpl.Deaggregate(rec.Data)
		if !aggregated || err != nil {
			// A malformed aggregate is delivered whole, as the KCL delivers one it cannot parse.
			subs = []kpl.Record{{PartitionKey: pk, Data: rec.Data}}
		} else {
			sec.aggregated++
		}
		sec.users += int64(len(subs))
		i := segmentIndex(arrival, s.segLen)
		seg, streamSeg := c.segment(i, s.cfg.TopKeys), s.stream[i]
		if streamSeg == nil {
			streamSeg = newStreamSegment()
			s.stream[i] = streamSeg
		}
		for _, sub := range subs {
			size := int64(len(sub.Data) + len(sub.PartitionKey))
			seg.keys.Add(sub.PartitionKey, size)
			seg.distinct.add(sub.PartitionKey)
			streamSeg.distinct.add(sub.PartitionKey)
			_ = streamSeg.sizes.RecordValue(min(size, maxUserRecordBytes))
			streamSeg.maxSize = max(streamSeg.maxSize, size)
		}
	}
	return last
}
