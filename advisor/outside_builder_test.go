package advisor

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// viewBuilder builds the OutsideViews a watch would hand the advisor: a stream of n shards
// with even hash ranges, and CloudWatch series of points periods each, the newest ending at
// the view's time.
type viewBuilder struct {
	v      *metrics.OutsideView
	period time.Duration
	points int
}

var viewTime = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

func shardID(i int) string { return fmt.Sprintf("shardId-%012d", i) }

func newView(n int, period time.Duration, points int) *viewBuilder {
	v := &metrics.OutsideView{Time: viewTime, Stream: metrics.OutsideStream{Name: "orders", Status: "ACTIVE", Mode: "PROVISIONED", Encryption: "NONE"}}
	top := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	step := new(big.Int).Div(top, big.NewInt(int64(n)))
	for i := range n {
		start := new(big.Int).Mul(step, big.NewInt(int64(i)))
		end := new(big.Int).Sub(new(big.Int).Add(start, step), big.NewInt(1))
		if i == n-1 {
			end = top
		}
		v.Stream.Shards = append(v.Stream.Shards, metrics.ShardRange{ShardID: shardID(i), StartingHashKey: start.String(), EndingHashKey: end.String()})
	}
	return &viewBuilder{v: v, period: period, points: points}
}

func (b *viewBuilder) figures(f **metrics.CWFigures, namespace string) *metrics.CWFigures {
	if *f == nil {
		*f = &metrics.CWFigures{Namespace: namespace, Period: b.period, Series: map[metrics.CWSeriesID][]metrics.CWPoint{}}
	}
	return *f
}

// series sets a series to a value per second in every period (a Sum is the rate × the
// period; other statistics take the value as it is), perSec(i) for period i, oldest first.
func (b *viewBuilder) series(f *metrics.CWFigures, id metrics.CWSeriesID, perSec func(i int) float64) {
	pts := make([]metrics.CWPoint, 0, b.points)
	for i := range b.points {
		x := perSec(i)
		if id.Stat == "Sum" {
			x *= b.period.Seconds()
		}
		pts = append(pts, metrics.CWPoint{Start: b.v.Time.Add(-time.Duration(b.points-i) * b.period), Value: x})
	}
	f.Series[id] = pts
}

func flat(x float64) func(int) float64 { return func(int) float64 { return x } }

// stream sets the stream-level sums: accepted records and bytes and refused records per second.
func (b *viewBuilder) stream(records, bytes, throttled float64) *viewBuilder {
	k := b.figures(&b.v.Kinesis, "AWS/Kinesis")
	b.series(k, streamSum("IncomingRecords"), flat(records))
	b.series(k, streamSum("IncomingBytes"), flat(bytes))
	if throttled > 0 {
		b.series(k, streamSum("WriteProvisionedThroughputExceeded"), flat(throttled))
	}
	return b
}

// kinesis sets any AWS/Kinesis stream-level series.
func (b *viewBuilder) kinesis(name, stat string, perSec float64) *viewBuilder {
	b.series(b.figures(&b.v.Kinesis, "AWS/Kinesis"), metrics.CWSeriesID{Name: name, Stat: stat}, flat(perSec))
	return b
}

// shard sets shard i's shard-level sums (enhanced monitoring on).
func (b *viewBuilder) shard(i int, records, bytes, throttled float64) *viewBuilder {
	sl := b.figures(&b.v.ShardLevel, "AWS/Kinesis")
	b.v.Stream.ShardLevelMetrics = []string{"IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded"}
	id := shardID(i)
	b.series(sl, metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum", ShardID: id}, flat(records))
	b.series(sl, metrics.CWSeriesID{Name: "IncomingBytes", Stat: "Sum", ShardID: id}, flat(bytes))
	b.series(sl, metrics.CWSeriesID{Name: "WriteProvisionedThroughputExceeded", Stat: "Sum", ShardID: id}, flat(throttled))
	return b
}

// sampled adds shard i to the record sample: a minute read, records/s and bytes/s accepted
// evenly, the busiest second's records at peakAt, unaggregated unless aggregated says how
// many user records an aggregate holds, and top keys.
func (b *viewBuilder) sampled(i int, records, bytes, peakRecords float64, aggregated float64, keys ...metrics.KeyCount) *viewBuilder {
	if b.v.Sample == nil {
		b.v.Sample = &metrics.RecordSample{Since: b.v.Time.Add(-time.Minute), Until: b.v.Time, OpenShards: len(b.v.Stream.Shards),
			Budget: "≤ 1 GetRecords/s per sampled shard"}
	}
	s := metrics.ShardSample{ShardID: shardID(i), Seconds: 60, KinesisRecords: int64(records * 60), KinesisBytes: int64(bytes * 60),
		PeakRecords: peakRecords, PeakBytes: peakRecords * bytes / max(records, 1), PeakAt: b.v.Time.Add(-17 * time.Second),
		TopKeys: keys, DistinctKeys: 1000}
	s.UserRecords = s.KinesisRecords
	if aggregated > 1 {
		s.Aggregated = s.KinesisRecords
		s.UserRecords = int64(float64(s.KinesisRecords) * aggregated)
	}
	b.v.Sample.Shards = append(b.v.Sample.Shards, s)
	b.v.Sample.KinesisRecords += s.KinesisRecords
	b.v.Sample.Aggregated += s.Aggregated
	b.v.Sample.UserRecords += s.UserRecords
	return b
}

// kpl sets a stream-wide series of the KPL's metrics.
func (b *viewBuilder) kpl(name, stat, code string, perSec func(int) float64) *viewBuilder {
	b.series(b.figures(&b.v.KPL, "KinesisProducerLibrary"), metrics.CWSeriesID{Name: name, Stat: stat, ErrorCode: code}, perSec)
	return b
}

// agent sets one shardstorm agent's series.
func (b *viewBuilder) agent(agent, name, stat string, perSec func(int) float64) *viewBuilder {
	b.series(b.figures(&b.v.Agents, "shardstorm"), metrics.CWSeriesID{Name: name, Stat: stat, Agent: agent}, perSec)
	return b
}

// findRule returns the findings of a rule.
func findRule(fs []metrics.Finding, rule string) []metrics.Finding {
	var out []metrics.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// oneFinding observes a view and returns the single finding of rule it raises.
func oneFinding(t *testing.T, v *metrics.OutsideView, rule string) metrics.Finding {
	t.Helper()
	raised, _ := New(Config{}).ObserveOutside(v)
	got := findRule(raised, rule)
	if len(got) != 1 {
		t.Fatalf("want one %s finding, got %d of %v", rule, len(got), rules(raised))
	}
	return got[0]
}

func wantContains(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%s %q\n  lacks %q", what, text, s)
		}
	}
}
