package advisor

import (
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// Every shard at its bytes limit and writes refused: the stream needs more shards. The demand
// is given as a range (accepted … accepted + refused, refused records being partly retries),
// sized for the upper bound with the doubling steps, and the lower bound stated.
func TestOutsideStreamCapacityStatesItsEstimateHonestly(t *testing.T) {
	const size = 2097.152 // 500 records per MiB
	b := newView(4, time.Minute, 5).stream(4*500, 4*500*size, 2000)
	f := oneFinding(t, b.v, "stream-capacity")
	if f.Severity != Critical || f.Basis != "from 1-minute CloudWatch sums" {
		t.Fatalf("finding %+v", f)
	}
	// accepted 4 MiB/s + refused 2,000 records of 2 KiB = 8 MiB/s: 8 shards, at least 5.
	if f.Evidence["shards_needed"] != 8 || f.Evidence["shards_needed_at_least"] != 5 || f.Evidence["binding_limit"] != "bytes" {
		t.Fatalf("evidence %v", f.Evidence)
	}
	wantContains(t, "summary", f.Summary, "accepted 4.0 MiB/s, 100% of the capacity of its 4 shards (4 MiB/s)", "refused 2,000 records/s more",
		"the demand lies between 4.0 MiB/s and 8.0 MiB/s", "retry refused records")
	wantContains(t, "advice", f.Advice, "UpdateShardCount to 8", "an upper bound", "at least 5 shards", "on-demand")

	b.v.Stream.Mode = "ON_DEMAND"
	f = oneFinding(t, b.v, "stream-capacity")
	wantContains(t, "on-demand advice", f.Advice, "The stream is on-demand", "more than doubles within 15 minutes")
}

// Resharding advice never asks one UpdateShardCount call to more than double.
func TestOutsideStreamCapacityStepsDouble(t *testing.T) {
	b := newView(2, time.Second, 10).stream(2*1000, 2*1000*100, 8000)
	f := oneFinding(t, b.v, "stream-capacity")
	if f.Basis != "from 1-second CloudWatch sums" || f.Evidence["shards_needed"] != 10 {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "advice", f.Advice, "UpdateShardCount to 10 (one call may at most double the count: 2 → 4 → 8 → 10)")
}

// Small records refused at the records limit with the bytes far under theirs: the sample shows
// them unaggregated, and the advice gives aggregation's gain at their size.
func TestOutsideRecordBoundWithTheAggregationGain(t *testing.T) {
	b := newView(2, time.Minute, 5).stream(2000, 2000*100, 500).sampled(0, 1000, 1000*100, 1000, 0).sampled(1, 1000, 1000*100, 1000, 0)
	f := oneFinding(t, b.v, "record-bound")
	wantContains(t, "summary", f.Summary, "all 2 shards are at 100% of the 1,000 records/s limit", "average 100 bytes", "the sample shows them unaggregated (0 of 120,000")
	// 1 MiB/s ÷ (100 + 8 bytes of framing) = 9,709 records/s a shard: ×9.7.
	wantContains(t, "advice", f.Advice, "Aggregate the records", "100-byte records pack about 474 to a 50 KB Kinesis record", "about 9,709 records/s", "(×9.7)")
	wantContains(t, "basis", f.Basis, "from a 1-second sample of all 2 shards", "throttles from 1-minute CloudWatch sums")
	if f.Evidence["expected_gain"] != 9.709 {
		t.Errorf("evidence %v", f.Evidence)
	}

	// Without a sample the stream-wide sums still show it; whether records are aggregated is unknown.
	f = oneFinding(t, newView(2, time.Minute, 5).stream(2000, 2000*100, 500).v, "record-bound")
	wantContains(t, "summary", f.Summary, "not known without the record sample")
	if f.Basis != "from 1-minute CloudWatch sums" {
		t.Errorf("basis %q", f.Basis)
	}
}

// Most records arrive one PutRecord each: an info finding (the client's connections are not
// visible) with the latency-bound limit and the batching advice.
func TestOutsideManyPutRecordCalls(t *testing.T) {
	b := newView(2, time.Minute, 5).stream(400, 400*300, 0).kinesis("PutRecord.Success", "Sum", 400).kinesis("PutRecord.Latency", "Average", 20)
	f := oneFinding(t, b.v, "small-putrecord-calls")
	if f.Severity != Info || f.Basis != "from 1-minute CloudWatch sums" {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "400 successful PutRecord calls/s (200 per shard)", "100% of the records", "each PutRecord is one request")
	wantContains(t, "advice", f.Advice, "about 50 calls/s per connection", "batch with PutRecords (up to 500 records")

	// A few calls beside PutRecords batches are no finding.
	raised, _ := New(Config{}).ObserveOutside(newView(2, time.Minute, 5).stream(1000, 1000*300, 0).kinesis("PutRecord.Success", "Sum", 40).v)
	if len(raised) != 0 {
		t.Errorf("raised %v", rules(raised))
	}
}

// Throttles while the stream's busiest minute is far under capacity: with a sample, the burst
// is named — shard, size, second; without, the finding says the sums hide it.
func TestOutsideBursts(t *testing.T) {
	b := newView(4, time.Minute, 5).stream(800, 800*500, 20).
		sampled(1, 200, 200*500, 1300, 0).sampled(2, 200, 200*500, 260, 0)
	f := oneFinding(t, b.v, "write-bursts")
	if f.ShardID != shardID(1) || f.Severity != Warning { // 2.4% refused
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "busiest minute used 20%", "shardId-000000000001 took 1,300 records", "in the second at 08:59:43 UTC", "130% of its records limit")
	wantContains(t, "basis", f.Basis, "from 1-minute CloudWatch sums", "peaks from a 1-second sample of 2 of 4 shards")
	if len(findRule(mustRaise(b.v), "hot-shard")) != 0 {
		t.Error("a shard with its fair share that bursts is not hot")
	}

	f = oneFinding(t, newView(4, time.Minute, 5).stream(800, 800*500, 20).v, "write-bursts")
	if f.ShardID != "" || f.Basis != "from 1-minute CloudWatch sums" {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "1-minute sums average the bursts away")
	wantContains(t, "advice", f.Advice, "record sample's 1-second arrival peaks would show")

	// A refusal in a thousand is worth knowing, not a warning.
	if f := oneFinding(t, newView(4, time.Minute, 5).stream(800, 800*500, 0.5).v, "write-bursts"); f.Severity != Info {
		t.Errorf("0.06%% refused: severity %s", f.Severity)
	}
}

func mustRaise(v *metrics.OutsideView) []metrics.Finding {
	raised, _ := New(Config{}).ObserveOutside(v)
	return raised
}

// A uniform stream under capacity with no throttles raises nothing; the same with throttles
// raises a burst finding, not a capacity one.
func TestOutsideCapacityOnlyAtTheLimit(t *testing.T) {
	if got := mustRaise(newView(4, time.Minute, 5).stream(3000, 3000*500, 0).v); len(got) != 0 {
		t.Errorf("no throttles: raised %v", rules(got))
	}
	got := rules(mustRaise(newView(4, time.Minute, 5).stream(3000, 3000*500, 10).v))
	if strings.Join(got, ",") != "write-bursts" {
		t.Errorf("75%% busy with throttles: raised %v, want write-bursts", got)
	}
}

// Shard-level metrics name the shards that refused, even when their minute sums hide the burst.
func TestOutsideBurstsNameTheRefusingShards(t *testing.T) {
	b := newView(4, time.Minute, 5).stream(800, 800*500, 20)
	for i := range 4 {
		b.shard(i, 200, 200*500, map[bool]float64{true: 20}[i == 3])
	}
	f := oneFinding(t, b.v, "write-bursts")
	wantContains(t, "summary", f.Summary, "shard-level metrics show refusals on shardId-000000000003", "1-minute sums average the bursts away")
	wantContains(t, "basis", f.Basis, "from 1-minute CloudWatch sums", "refusals from 1-minute CloudWatch shard metrics")
}
