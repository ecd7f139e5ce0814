package advisor

import (
	"math"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/metrics"
)

// Whatever the figures — zero, huge, infinite, missing (NaN), shards coming and going — Observe does not
// panic, and every finding reads as a finding: a known severity, a title, a summary and advice
// with no NaN or Inf in the words.
func TestFindingsAreWellFormedForAnyFigures(t *testing.T) {
	figure := rapid.OneOf(rapid.Just(math.NaN()), rapid.Just(0.0), rapid.Float64Range(0, 1e7),
		rapid.Just(1e12), rapid.Just(math.Inf(1)))
	rapid.Check(t, func(rt *rapid.T) {
		a, f := New(Config{}), newFeed()
		f.settings.Aggregation = rapid.Bool().Draw(rt, "aggregation")
		f.settings.RateLimit = rapid.Float64Range(1, 300).Draw(rt, "rate limit")
		f.settings.MaxConnections = rapid.IntRange(0, 64).Draw(rt, "connections")
		calls := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) metrics.APICallCount {
			n := rapid.Int64Range(1, 100).Draw(t, "calls")
			return metrics.APICallCount{Caller: "c", Operation: rapid.SampledFrom([]string{"DescribeStream", "ListShards", "Odd"}).Draw(t, "op"),
				Calls: n, Refused: rapid.Int64Range(0, n).Draw(t, "refused"), Window: 10e9}
		}), 0, 3).Draw(rt, "api calls")
		for range rapid.IntRange(1, 30).Draw(rt, "samples") {
			shards := make([]shardFig, rapid.IntRange(1, 6).Draw(rt, "shards"))
			for i := range shards {
				shards[i] = shardFig{offered: figure.Draw(rt, "offered"), offeredBytes: figure.Draw(rt, "offered bytes"),
					put: figure.Draw(rt, "put"), putBytes: figure.Draw(rt, "put bytes"), throttled: figure.Draw(rt, "throttled"),
					limiter: rapid.Int64Range(0, 1e6).Draw(rt, "limiter")}
			}
			stream := map[metrics.Metric]float64{}
			for _, m := range []metrics.Metric{metrics.Expired, metrics.RequestsInFlight, metrics.PendingRecords, metrics.ScheduledRecords,
				metrics.LateRecords, metrics.WorkloadLagMs, metrics.RequestP50, metrics.RequestP99, metrics.AggregationRatio, metrics.TargetRate} {
				stream[m] = figure.Draw(rt, m.String())
			}
			snap := f.next(shards, stream)
			if rapid.Bool().Draw(rt, "kms") {
				snap.Stream.Errors = map[string]float64{"KMSAccessDeniedException": 3}
			}
			a.Observe(Input{Snapshot: snap, APICalls: calls, LastErrors: map[string]string{"KMSAccessDeniedException": rapid.String().Draw(rt, "message")}})
		}
		for _, fd := range a.History() {
			if severityRank(fd.Severity) == 0 && fd.Severity != Info || fd.Title == "" || fd.Summary == "" || fd.Advice == "" || fd.Rule == "" {
				rt.Fatalf("ill-formed finding %+v", fd)
			}
			// A connection count is computed from a request time and a delivery rate: never
			// from a missing (or zero) one.
			if quotesConnectionCount(fd) && !(fd.Evidence["request_ms_p50"].(float64) > 0 && fd.Evidence["delivered_records_per_sec"].(float64) > 0) {
				rt.Fatalf("%s quotes a connection count from missing figures: %s / %s (evidence %v)", fd.Rule, fd.Summary, fd.Advice, fd.Evidence)
			}
			if strings.Contains(fd.Advice, "UpdateShardCount to") && !(fd.Evidence["peak_user_records_per_sec"].(float64) >= 1) {
				rt.Fatalf("%s sizes the stream from no measured demand: %s", fd.Rule, fd.Advice)
			}
			if strings.Contains(fd.Advice, "(×") && !(fd.Evidence["delivered_records_per_sec"].(float64) >= 1) {
				rt.Fatalf("%s quotes a gain over nothing delivered: %s", fd.Rule, fd.Advice)
			}
			if quotesAgentCount(fd) && !(fd.Evidence["emitted_records_per_sec"].(float64) >= 1) {
				rt.Fatalf("%s quotes a generator count from a generator handing over nothing: %s (evidence %v)", fd.Rule, fd.Advice, fd.Evidence)
			}
			for _, text := range []string{fd.Title, fd.Summary, fd.Advice} {
				if strings.Contains(text, "NaN") || strings.Contains(text, "Inf") {
					rt.Fatalf("%s: %q", fd.Rule, text)
				}
			}
		}
	})
}

// Whatever an outside view holds — figures zero, huge, infinite or missing, any source there
// or not — ObserveOutside does not panic, and every finding reads as a finding and says what it
// rests on: a known severity, title, summary and advice without NaN or Inf, and a Basis.
// A shard count is advised only from a measured peak, at least one more than the stream has;
// a key is named only with its share of the shard.
func TestOutsideFindingsAreWellFormedForAnyView(t *testing.T) {
	figure := rapid.OneOf(rapid.Just(math.NaN()), rapid.Just(0.0), rapid.Float64Range(0, 1e7),
		rapid.Just(1e12), rapid.Just(math.Inf(1)))
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 6).Draw(rt, "shards")
		b := newView(max(n, 1), rapid.SampledFrom([]time.Duration{time.Second, time.Minute}).Draw(rt, "period"), rapid.IntRange(1, 6).Draw(rt, "points"))
		if n == 0 {
			b.v.Stream.Shards = nil
		}
		draw := func(label string) func(int) float64 {
			return func(int) float64 { return figure.Draw(rt, label) }
		}
		if rapid.Bool().Draw(rt, "stream metrics") {
			k := b.figures(&b.v.Kinesis, "AWS/Kinesis")
			for _, name := range []string{"IncomingRecords", "IncomingBytes", "WriteProvisionedThroughputExceeded", "PutRecord.Success", "PutRecord.Bytes"} {
				b.series(k, streamSum(name), draw(name))
			}
			b.series(k, metrics.CWSeriesID{Name: "PutRecord.Latency", Stat: "Average"}, draw("latency"))
		}
		for i := range n {
			if rapid.Bool().Draw(rt, "shard metrics") {
				sl := b.figures(&b.v.ShardLevel, "AWS/Kinesis")
				for _, name := range []string{"IncomingRecords", "IncomingBytes", "WriteProvisionedThroughputExceeded"} {
					b.series(sl, metrics.CWSeriesID{Name: name, Stat: "Sum", ShardID: shardID(i)}, draw(name))
				}
			}
			if rapid.Bool().Draw(rt, "sampled") {
				b.sampled(i, figure.Draw(rt, "records"), figure.Draw(rt, "bytes"), figure.Draw(rt, "peak"),
					rapid.SampledFrom([]float64{0, 5}).Draw(rt, "aggregation"),
					metrics.KeyCount{Key: "k", RecordShare: rapid.Float64Range(0, 1).Draw(rt, "key share"), ByteShare: figure.Draw(rt, "byte share")})
				b.v.Sample.Shards[len(b.v.Sample.Shards)-1].Seconds = figure.Draw(rt, "seconds")
			}
		}
		for _, name := range []string{"UserRecordExpired", "ErrorsByCode"} {
			if rapid.Bool().Draw(rt, name) {
				code := ""
				if name == "ErrorsByCode" {
					code = rapid.SampledFrom([]string{"KMSAccessDeniedException", "KMSDisabledException", "ProvisionedThroughputExceededException", "Odd"}).Draw(rt, "code")
				}
				b.kpl(name, "Sum", code, draw(name))
			}
		}
		for _, name := range []string{"BufferingTime", "RetriesPerRecord", "UserRecordsPending"} {
			if rapid.Bool().Draw(rt, name) {
				b.agent(rapid.SampledFrom([]string{"a", "b"}).Draw(rt, "agent"), name, "Average", draw(name))
			}
		}
		a := New(Config{})
		a.ObserveOutside(b.v)
		_ = Unseen(b.v)
		for _, fd := range a.History() {
			if severityRank(fd.Severity) == 0 && fd.Severity != Info || fd.Title == "" || fd.Summary == "" || fd.Advice == "" || fd.Rule == "" || fd.Basis == "" {
				rt.Fatalf("ill-formed finding %+v", fd)
			}
			for _, text := range []string{fd.Title, fd.Summary, fd.Advice, fd.Basis} {
				if strings.Contains(text, "NaN") || strings.Contains(text, "Inf") {
					rt.Fatalf("%s: %q", fd.Rule, text)
				}
			}
			if need, ok := fd.Evidence["shards_needed"].(int); ok && (need < fd.Evidence["shards_needed_at_least"].(int) || need <= n) {
				rt.Fatalf("%s advises %d shards for a stream of %d: %s", fd.Rule, need, n, fd.Advice)
			}
			// PutRecord's rounding costs throughput only above 1 KiB a record (1,000 records/s of
			// 1 KiB fit in 1 MiB/s), and only from records that came by PutRecord.
			if fd.Rule == "putrecord-rounding" && !(fd.Evidence["putrecord_mean_record_bytes"].(float64) > 1024 && fd.Evidence["putrecord_share_of_records"].(float64) > 0) {
				rt.Fatalf("%s from a mean of %v bytes, %v of the records: %s", fd.Rule, fd.Evidence["putrecord_mean_record_bytes"], fd.Evidence["putrecord_share_of_records"], fd.Summary)
			}
			if fd.Key != "" && !(fd.Evidence["key_share"].(float64) >= dominantKeyShare) {
				rt.Fatalf("%s names key %q at share %v", fd.Rule, fd.Key, fd.Evidence["key_share"])
			}
		}
	})
}
