package metrics

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// OfferCounter counts the records offered to each shard: every record Put accepts, by the
// shard the producer routes it to, whether it is later throttled or not. Neither the producer's
// stats (which count per shard only what was put) nor the workload's (which know nothing of
// shards) give this, and it is what tells a hot shard from a slow one. Install it as a producer
// hook (producer.Config.Hooks) and give it to the sampler (Config.Offered).
type OfferCounter struct {
	shards sync.Map // shard id → *offerCount
}

type offerCount struct{ records, bytes atomic.Int64 }

var _ producer.RecordRoutedHook = (*OfferCounter)(nil)

// OnRecordRouted counts one record; the producer calls it inside Put, so it takes no lock once
// the shard is known.
func (o *OfferCounter) OnRecordRouted(shardID, _ string, bytes int) {
	v, ok := o.shards.Load(shardID)
	if !ok {
		v, _ = o.shards.LoadOrStore(shardID, new(offerCount))
	}
	c := v.(*offerCount)
	c.records.Add(1)
	c.bytes.Add(int64(bytes))
}

// Offered returns the records and bytes offered to a shard so far.
func (o *OfferCounter) Offered(shardID string) (records, bytes int64) {
	v, ok := o.shards.Load(shardID)
	if !ok {
		return 0, 0
	}
	c := v.(*offerCount)
	return c.records.Load(), c.bytes.Load()
}

// Total returns the records and bytes offered to all shards so far.
func (o *OfferCounter) Total() (records, bytes int64) {
	o.shards.Range(func(_, v any) bool {
		c := v.(*offerCount)
		records += c.records.Load()
		bytes += c.bytes.Load()
		return true
	})
	return records, bytes
}

// offered fills the stream's offered and workload series from the best source there is.
func (s *Sampler) offered(v *[numMetrics]float64, cur reading, prev *reading, rate func(int64) float64, rateU func(c, p uint64) float64) {
	switch {
	case cur.hasW:
		w, pw := &cur.w, &prev.w
		v[OfferedRecords] = rateU(w.Emitted, pw.Emitted)
		v[OfferedBytes] = rateU(w.EmittedBytes, pw.EmittedBytes)
		v[ScheduledRecords] = rateU(w.Scheduled, pw.Scheduled)
		v[DroppedRecords] = rateU(w.Dropped, pw.Dropped)
		v[LateRecords] = rateU(w.Late, pw.Late)
		v[TargetRate] = w.TargetRate
		v[WorkloadLagMs] = float64(w.Lag) / float64(time.Millisecond)
	case s.cfg.Offered != nil:
		v[OfferedRecords] = rate(delta(cur.offRec, prev.offRec))
		v[OfferedBytes] = rate(delta(cur.offByt, prev.offByt))
	default:
		v[OfferedRecords] = rate(delta(cur.p.Stream.UserRecordsReceived, prev.p.Stream.UserRecordsReceived))
	}
}

// offeredTotals are the cumulative counts behind the offered series (bytes -1: not counted).
func (s *Sampler) offeredTotals(r reading) (records, bytes int64) {
	switch {
	case r.hasW:
		return int64(r.w.Emitted), int64(r.w.EmittedBytes)
	case s.cfg.Offered != nil:
		return r.offRec, r.offByt
	}
	return r.p.Stream.UserRecordsReceived, -1
}
