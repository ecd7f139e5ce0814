package advisor

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/metrics"
)

// A producer at most 60% of the stream's capacity on both limits, with keys spread evenly and
// nothing refused, gets no warning or critical finding from outside — whatever the shard count,
// CloudWatch's period, the record size, and whichever sources are there (an info finding may
// say something true, such as that records come one PutRecord each).
func TestOutsideModerateUniformLoadRaisesNoWarning(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 64).Draw(rt, "shards")
		period := rapid.SampledFrom([]time.Duration{time.Second, time.Minute}).Draw(rt, "period")
		points := rapid.IntRange(1, 10).Draw(rt, "points")
		size := rapid.Float64Range(20, 50_000).Draw(rt, "record bytes")
		util := rapid.Float64Range(0, 0.6).Draw(rt, "utilization")
		perShard := math.Min(util*shardRecordsPerSec, util*shardBytesPerSec/size) // records/s a shard takes
		jitter := func(label string) float64 { return rapid.Float64Range(0.9, 1).Draw(rt, label) }
		b := newView(n, period, points)
		k := b.figures(&b.v.Kinesis, "AWS/Kinesis")
		perPoint := make([]float64, points)
		for i := range perPoint {
			perPoint[i] = float64(n) * perShard * jitter("stream jitter")
		}
		b.series(k, streamSum("IncomingRecords"), func(i int) float64 { return perPoint[i] })
		b.series(k, streamSum("IncomingBytes"), func(i int) float64 { return perPoint[i] * size })
		putRecordShare := rapid.SampledFrom([]float64{0, 0.3, 1}).Draw(rt, "share through PutRecord")
		if putRecordShare > 0 {
			b.series(k, streamSum("PutRecord.Success"), func(i int) float64 { return perPoint[i] * putRecordShare })
			b.kinesis("PutRecord.Latency", "Average", rapid.Float64Range(5, 200).Draw(rt, "latency"))
		}
		if rapid.Bool().Draw(rt, "shard-level metrics") {
			for i := range n {
				r := perShard * jitter("shard jitter")
				b.shard(i, r, r*size, 0)
			}
		}
		if rapid.Bool().Draw(rt, "sample") {
			for i := range rapid.IntRange(1, min(n, 4)).Draw(rt, "sampled shards") {
				// Its busiest second: busier than the mean, still within 60% of the limits.
				ceiling := 0.6 * math.Min(shardRecordsPerSec, shardBytesPerSec/size)
				peak := perShard + rapid.Float64Range(0, 1).Draw(rt, "peak")*(ceiling-perShard)
				b.sampled(i, perShard, perShard*size, peak,
					rapid.SampledFrom([]float64{0, 20}).Draw(rt, "aggregation"),
					metrics.KeyCount{Key: "k1", RecordShare: rapid.Float64Range(0, 0.05).Draw(rt, "top key share")})
			}
		}
		if rapid.Bool().Draw(rt, "KPL metrics") {
			b.kpl("BufferingTime", "Average", "", flat(rapid.Float64Range(0, 400).Draw(rt, "buffering ms")))
			b.kpl("RetriesPerRecord", "Average", "", flat(rapid.Float64Range(0, 0.1).Draw(rt, "retries")))
			b.kpl("UserRecordsPending", "Average", "", func(i int) float64 { return 500 + float64(i%2)*300 })
			b.kpl("UserRecordsPut", "Sum", "", func(i int) float64 { return perPoint[i] })
		}
		raised, _ := New(Config{}).ObserveOutside(b.v)
		for _, f := range raised {
			if f.Severity != Info {
				rt.Fatalf("moderate uniform load (%d shards, %s periods, %.0f%% busy, %.0f-byte records) raised %s %s: %s",
					n, period, 100*util, size, f.Severity, f.Rule, f.Summary)
			}
		}
	})
}
