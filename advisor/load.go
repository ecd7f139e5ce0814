package advisor

import (
	"math"
	"sort"

	"github.com/shardstorm/shardstorm/metrics"
)

// The write limits of one open shard, provisioned and on-demand alike.
const (
	shardBytesPerSec   = 1 << 20
	shardRecordsPerSec = 1000
	maxRecordBytes     = 1 << 20
)

// demand is what the workload asks of the stream over the window, in user records, and how
// user records turn into what the shard limits count.
type demand struct {
	records, bytes float64 // user records/s and their bytes/s (data + partition key)
	recordSize     float64 // mean bytes per user record
	// aggRatio is user records per Kinesis record (1 without aggregation); overhead is Kinesis
	// bytes per user byte (the aggregation framing, ≥ 1).
	aggRatio, overhead float64
	// peakRecords and peakBytes are the largest one-second means in the window.
	peakRecords, peakBytes float64
}

// measureDemand reads the demand: records scheduled by the generator when there is one (what a
// full producer refused was asked for too), else records offered to the producer.
func measureDemand(w *window) demand {
	offered := nanTo(w.mean(metrics.OfferedRecords), 0)
	offeredBytes := nanTo(w.mean(metrics.OfferedBytes), 0)
	d := demand{records: offered, aggRatio: 1, overhead: 1}
	if sch := w.mean(metrics.ScheduledRecords); sch > offered {
		d.records = sch
	}
	// The peak is the schedule's own rate when a workload says it: records handed over come in
	// bursts whenever a late generator catches up, and a burst is not demand (on a loaded
	// machine it made 6.1 MiB/s look like 7+ and the advice one shard too many).
	if target := w.peak(metrics.TargetRate); target > 0 {
		d.peakRecords = target
	} else {
		d.peakRecords = math.Max(nanTo(w.peak(metrics.ScheduledRecords), 0), nanTo(w.peak(metrics.OfferedRecords), 0))
	}
	if offered > 0 && offeredBytes > 0 {
		d.recordSize = offeredBytes / offered
	} else if up, ub := w.mean(metrics.UserRecordsPut), w.mean(metrics.UserBytesPut); up > 0 && ub > 0 {
		d.recordSize = ub / up
	}
	// No Kinesis record holds more than 1 MiB (data and key): a larger mean is a rate measured
	// over next to no records, not a size.
	d.recordSize = math.Min(d.recordSize, maxRecordBytes)
	d.bytes = d.records * d.recordSize
	d.peakBytes = d.peakRecords * d.recordSize
	if r := w.mean(metrics.AggregationRatio); r >= 1 {
		d.aggRatio = r
	}
	if ub, kb := w.mean(metrics.UserBytesPut), w.mean(metrics.PutBytes); ub > 0 && kb >= ub {
		d.overhead = kb / ub
	}
	return d
}

// shardLoad is one open shard's figures over the window.
type shardLoad struct {
	id                       string
	start, end               string
	offeredRecords, offBytes float64 // user records/s routed to it, bytes/s
	share                    float64 // of the stream's offered records
	putPct                   [2]float64
	throttled                float64 // Kinesis records/s refused
	throttledFraction        float64
	// util is the larger of its two limits' use: demand routed to it (in Kinesis terms) or, if
	// higher, what it accepted. 1 = at the limit.
	util, bytesUtil, recordsUtil float64
	limiter                      float64 // records its producer limiter held, mean
	refused                      float64 // Puts/s refused: its backlog held all it can deliver within RecordTtl
	ratePercent                  float64
}

// throttling says whether the shard refused a meaningful part of what was sent to it.
func (l *shardLoad) throttling() bool { return l.throttled >= 1 && l.throttledFraction >= 0.01 }

// shardLoads measures the open shards of the latest sample, by hash range.
func shardLoads(w *window, d demand) []shardLoad {
	last := w.latest()
	if last == nil {
		return nil
	}
	out := make([]shardLoad, len(last.shards))
	means := w.shardAverages()
	var total float64
	for i := range last.shards {
		ss := &last.shards[i]
		m := means[ss.id]
		l := shardLoad{id: ss.id, start: ss.start, end: ss.end,
			offeredRecords: nanTo(m.get(metrics.OfferedRecords), 0),
			offBytes:       nanTo(m.get(metrics.OfferedBytes), 0),
			putPct:         [2]float64{nanTo(m.get(metrics.PutBytesPct), 0), nanTo(m.get(metrics.PutRecordsPct), 0)},
			throttled:      nanTo(m.get(metrics.ThrottledRecords), 0),
			limiter:        nanTo(m.limiter, 0),
			refused:        m.refused,
			ratePercent:    m.get(metrics.RatePercent),
		}
		put := nanTo(m.get(metrics.PutRecords), 0)
		if l.throttled+put > 0 {
			l.throttledFraction = l.throttled / (l.throttled + put)
		}
		total += l.offeredRecords
		out[i] = l
	}
	for i := range out {
		l := &out[i]
		if total > 0 {
			l.share = l.offeredRecords / total
		}
		// The demand routed to the shard: its share of what the workload asks (records a full
		// producer refused were never routed, so scale the routed figures up to the demand).
		scale := 1.0
		if total > 0 && d.records > total {
			scale = d.records / total
		}
		l.bytesUtil = math.Max(l.offBytes*scale*d.overhead/shardBytesPerSec, l.putPct[0]/100)
		l.recordsUtil = math.Max(l.offeredRecords*scale/d.aggRatio/shardRecordsPerSec, l.putPct[1]/100)
		l.util = math.Max(l.bytesUtil, l.recordsUtil)
	}
	return out
}

// byUtil sorts loads busiest first.
func byUtil(ls []shardLoad) []shardLoad {
	out := append([]shardLoad(nil), ls...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].util > out[j].util })
	return out
}

func nanTo(x, d float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return d
	}
	return x
}
