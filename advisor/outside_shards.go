package advisor

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// outsideShard is one shard's write figures as seen from outside: from shard-level CloudWatch
// metrics (enhanced monitoring), from the record sample, or both.
type outsideShard struct {
	id, start, end string
	// records and bytes are the Kinesis records and bytes it accepted per second, mean over
	// the window; peakRecords and peakBytes the busiest period's (or, sampled, second's), at peakAt.
	records, bytes         float64
	peakRecords, peakBytes float64
	peakAt                 time.Time
	// throttled is the records/s it refused (shard-level WriteProvisionedThroughputExceeded),
	// NaN when shard-level metrics do not say.
	throttled float64
	// sample is the shard's sample, nil when it was not sampled.
	sample *metrics.ShardSample
	// peakSecond says whether the peak is one second's (the sample's, or 1-second CloudWatch).
	peakSecond bool
}

// peakUtil is the shard's use of its limits at its peak (1 = at the limit).
func (s *outsideShard) peakUtil() float64 { return utilization(s.peakRecords, s.peakBytes, 1) }

// meanUtil is its use over the window.
func (s *outsideShard) meanUtil() float64 { return utilization(s.records, s.bytes, 1) }

// throttling says whether shard-level metrics show it refusing writes.
func (s *outsideShard) throttling() bool { return s.throttled > 0 }

// readOutsideShards reads the per-shard figures: shard-level CloudWatch when enhanced
// monitoring publishes IncomingRecords, with the sample's one-second peaks for sampled shards;
// else the sampled shards alone. basis says where they come from.
func readOutsideShards(v *metrics.OutsideView, o *outside) ([]outsideShard, string) {
	sampled := map[string]*metrics.ShardSample{}
	if v.Sample != nil {
		for i := range v.Sample.Shards {
			sampled[v.Sample.Shards[i].ShardID] = &v.Sample.Shards[i]
		}
	}
	ranges := map[string]metrics.ShardRange{}
	for _, r := range v.Stream.Shards {
		ranges[r.ShardID] = r
	}
	var out []outsideShard
	if sl := v.ShardLevel; sl != nil && sl.Period > 0 {
		for _, r := range v.Stream.Shards {
			recID := metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum", ShardID: r.ShardID}
			bytesID := metrics.CWSeriesID{Name: "IncomingBytes", Stat: "Sum", ShardID: r.ShardID}
			thrID := metrics.CWSeriesID{Name: "WriteProvisionedThroughputExceeded", Stat: "Sum", ShardID: r.ShardID}
			if sl.Points(recID) == nil && sl.Points(bytesID) == nil {
				continue
			}
			s := outsideShard{id: r.ShardID, start: r.StartingHashKey, end: r.EndingHashKey,
				records: nanTo(sl.Rate(recID), 0), bytes: nanTo(sl.Rate(bytesID), 0),
				throttled: math.NaN(), sample: sampled[r.ShardID], peakSecond: sl.Period <= time.Second}
			if hasMetric(v.Stream.ShardLevelMetrics, "WriteProvisionedThroughputExceeded") || sl.Points(thrID) != nil {
				s.throttled = nanTo(sl.Rate(thrID), 0)
			}
			var at int
			s.peakRecords, at = peakOf(sl.Points(recID), sl.Period)
			if at >= 0 {
				s.peakAt = sl.Points(recID)[at].Start
			}
			s.peakBytes, _ = peakOf(sl.Points(bytesID), sl.Period)
			s.peakRecords, s.peakBytes = nanTo(s.peakRecords, 0), nanTo(s.peakBytes, 0)
			if smp := s.sample; smp != nil && utilization(perSecond(smp.PeakRecords, 1), perSecond(smp.PeakBytes, 1), 1) > s.peakUtil() {
				s.peakRecords, s.peakBytes, s.peakAt, s.peakSecond = perSecond(smp.PeakRecords, 1), perSecond(smp.PeakBytes, 1), smp.PeakAt, true
			}
			out = append(out, s)
		}
		if len(out) > 0 {
			return out, "from " + periodText(sl.Period) + " CloudWatch shard metrics"
		}
	}
	if v.Sample == nil {
		return nil, ""
	}
	for i := range v.Sample.Shards {
		smp := &v.Sample.Shards[i]
		if !(smp.Seconds > 0) {
			continue
		}
		r := ranges[smp.ShardID]
		out = append(out, outsideShard{id: smp.ShardID, start: r.StartingHashKey, end: r.EndingHashKey,
			records: perSecond(float64(smp.KinesisRecords), smp.Seconds), bytes: perSecond(float64(smp.KinesisBytes), smp.Seconds),
			peakRecords: perSecond(smp.PeakRecords, 1), peakBytes: perSecond(smp.PeakBytes, 1), peakAt: smp.PeakAt,
			throttled: math.NaN(), sample: smp, peakSecond: true})
	}
	return out, "from " + sampleText(v.Sample)
}

// streamTotals are the stream's accepted records and bytes per second, for shares: from
// CloudWatch's stream metrics, else the sum of the shards when every open shard is measured
// (ok false when neither is known).
func (o *outside) streamTotals() (records, bytes float64, ok bool) {
	if o.cw {
		return o.records, o.bytes, true
	}
	if len(o.shards) == 0 || len(o.shards) < o.n {
		return 0, 0, false
	}
	for _, s := range o.shards {
		records += s.records
		bytes += s.bytes
	}
	return records, bytes, true
}

// perSecond is a count over secs seconds as a rate, 0 for anything that is no rate (a
// negative count, no time, a non-finite figure).
func perSecond(n, secs float64) float64 {
	if !(n > 0) || !(secs > 0) {
		return 0
	}
	return nanTo(n/secs, 0)
}

func hasMetric(list []string, name string) bool {
	for _, m := range list {
		if m == name || m == "ALL" {
			return true
		}
	}
	return false
}

// periodText names a CloudWatch period as a resolution: "1-minute", "1-second", "5-minute".
func periodText(p time.Duration) string {
	switch {
	case p >= time.Minute && p%time.Minute == 0:
		return fmt.Sprintf("%d-minute", p/time.Minute)
	case p >= time.Second && p%time.Second == 0:
		return fmt.Sprintf("%d-second", p/time.Second)
	}
	return p.String()
}

// sampleText says what the record sample covers: "a 1-second sample of 3 of 8 shards".
func sampleText(s *metrics.RecordSample) string {
	n, of := len(s.Shards), s.OpenShards
	switch {
	case of <= 1 && n >= 1:
		return "a 1-second sample of the stream's only shard"
	case n >= of:
		return fmt.Sprintf("a 1-second sample of all %d shards", of)
	}
	return fmt.Sprintf("a 1-second sample of %d of %d shards", n, of)
}

// basis joins the sources a finding rests on: "from 1-minute CloudWatch sums; key from …".
func basis(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" && !contains(keep, p) {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stamp is a time for evidence, "" when it was not recorded.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// clock formats the second a peak was seen, UTC.
func clock(t time.Time) string {
	if t.IsZero() {
		return "an unrecorded time"
	}
	return t.UTC().Format("15:04:05") + " UTC"
}
