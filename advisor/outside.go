package advisor

import (
	"math"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Watch mode: the producer under study is not ours, so its Stats are not there to read. The
// outside rules (outside_*.go) reason from what anyone can see of a stream instead —
// CloudWatch's stream and shard metrics, the KPL's or shardstorm agents' published metrics, and
// a paced sample of the records — and every finding says in Basis which of them it rests on.

// evaluateOutside runs every outside rule over a view. Rules read; the advisor tracks.
func evaluateOutside(v *metrics.OutsideView) []metrics.Finding {
	o := readOutside(v)
	var out []metrics.Finding
	hot := outsideHotShards(o)
	out = append(out, hot...)
	out = append(out, outsideCapacity(o)...)
	out = append(out, outsideRecordBound(o)...)
	rounding := outsidePutRecordRounding(o)
	out = append(out, outsideBursts(o, hot, rounding)...)
	out = append(out, rounding...)
	out = append(out, outsidePutRecordCalls(o)...)
	for _, p := range producerSources(v) {
		out = append(out, producerFindings(o, p)...)
	}
	return dedupe(out)
}

// dedupe keeps the first finding of each ID: the KPL's own metrics and shardstorm agents' can
// both say records expire, and the KPL's come first.
func dedupe(fs []metrics.Finding) []metrics.Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		if !seen[f.ID()] {
			seen[f.ID()] = true
			out = append(out, f)
		}
	}
	return out
}

// outside is a view with the figures several rules weigh worked out once.
type outside struct {
	v *metrics.OutsideView
	n int // open shards

	// From the CloudWatch stream metrics (cw false and figures NaN without them): accepted
	// Kinesis records and bytes per second, mean over the window and in the busiest period (and
	// its index), and records refused (WriteProvisionedThroughputExceeded) per second, mean;
	// throttledIn gives a period's.
	cw                         bool
	records, bytes             float64
	peakRecords, peakBytes     float64
	throttled                  float64
	throttledAny               bool // any period refused a record
	peakRecordsAt, peakBytesAt int  // the index of the busiest periods
	recordsPoints, bytesPoints []metrics.CWPoint
	throttledPoints            []metrics.CWPoint
	period                     time.Duration
	cwBasis                    string // "from 1-minute CloudWatch sums"

	// shards are the per-shard figures, from shard-level CloudWatch or the sample, and
	// shardBasis says which; sampleKeyBasis says where keys come from ("" without a sample).
	shards                     []outsideShard
	shardBasis, sampleKeyBasis string
}

// readOutside works out the figures of a view.
func readOutside(v *metrics.OutsideView) *outside {
	o := &outside{v: v, n: len(v.Stream.Shards)}
	if o.n == 0 && v.Sample != nil {
		o.n = v.Sample.OpenShards
	}
	o.records, o.bytes, o.peakRecords, o.peakBytes = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	o.throttled = math.NaN()
	if k := v.Kinesis; k != nil && k.Period > 0 {
		recID, bytesID, thrID := streamSum("IncomingRecords"), streamSum("IncomingBytes"), streamSum("WriteProvisionedThroughputExceeded")
		o.recordsPoints, o.bytesPoints, o.throttledPoints, o.period = k.Points(recID), k.Points(bytesID), k.Points(thrID), k.Period
		if len(o.recordsPoints) > 0 || len(o.throttledPoints) > 0 {
			o.cw = true
			o.cwBasis = "from " + periodText(k.Period) + " CloudWatch sums"
			o.records, o.bytes = nanTo(k.Rate(recID), 0), nanTo(k.Rate(bytesID), 0)
			o.peakRecords, o.peakRecordsAt = peakOf(o.recordsPoints, k.Period)
			o.peakBytes, o.peakBytesAt = peakOf(o.bytesPoints, k.Period)
			o.throttled = nanTo(k.Rate(thrID), 0)
			for _, p := range o.throttledPoints {
				o.throttledAny = o.throttledAny || p.Value > 0 && !math.IsInf(p.Value, 0)
			}
		}
	}
	o.shards, o.shardBasis = readOutsideShards(v, o)
	if s := v.Sample; s != nil {
		o.sampleKeyBasis = "key from " + sampleText(s)
	}
	return o
}

// streamSum names a stream-level Sum series of AWS/Kinesis.
func streamSum(name string) metrics.CWSeriesID { return metrics.CWSeriesID{Name: name, Stat: "Sum"} }

// peakOf is a Sum series' busiest period as a rate per second, and its index (NaN, -1 with none).
func peakOf(pts []metrics.CWPoint, period time.Duration) (float64, int) {
	at, peak := -1, math.NaN()
	for i, p := range pts {
		if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
			continue
		}
		if !(p.Value <= peak) {
			at, peak = i, p.Value
		}
	}
	if at < 0 {
		return math.NaN(), -1
	}
	return peak / period.Seconds(), at
}

// throttledIn is the records refused per second in the period that starts at start (0 when
// it refused none: CloudWatch leaves such a period out).
func (o *outside) throttledIn(start time.Time) float64 {
	for _, p := range o.throttledPoints {
		if p.Start.Equal(start) {
			return p.Value / o.period.Seconds()
		}
	}
	return 0
}

// utilization is the larger of the two write limits' use by records and bytes per second
// over n shards (1 = at the limit).
func utilization(records, bytes float64, n int) float64 {
	if n <= 0 {
		return math.NaN()
	}
	return math.Max(0, math.Max(nanTo(records, 0)/float64(n*shardRecordsPerSec), nanTo(bytes, 0)/float64(n*shardBytesPerSec)))
}

// streamUtil is the stream's use of its capacity in its busiest period (NaN without CloudWatch).
func (o *outside) streamUtil() float64 {
	if !o.cw {
		return math.NaN()
	}
	return utilization(o.peakRecords, o.peakBytes, o.n)
}

// throttledFraction is the share of write attempts the stream refused over the window.
func (o *outside) throttledFraction() float64 {
	if !o.cw || !(o.throttled > 0) {
		return 0
	}
	return o.throttled / (o.throttled + o.records)
}
