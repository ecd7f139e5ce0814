package advisor

import (
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// A key behind most of one shard's records, the shard at its limit in its busiest second
// while the stream throttles and the other shards idle: the sample names the shard and the
// key, and the finding says it rests on 1-minute sums and a sample of 3 of 8 shards.
func TestOutsideHotKeyNamedFromTheSample(t *testing.T) {
	const size = 2000.0
	b := newView(8, time.Minute, 5).stream(500+7*50, (500+7*50)*size, 120).
		sampled(0, 500, 500*size, 520, 0, metrics.KeyCount{Key: "tenant-42", RecordShare: 0.7, ByteShare: 0.7}, metrics.KeyCount{Key: "tenant-7", RecordShare: 0.01}).
		sampled(3, 50, 50*size, 70, 0).sampled(5, 50, 50*size, 65, 0)
	f := oneFinding(t, b.v, "hot-shard")
	if f.ShardID != shardID(0) || f.Key != "tenant-42" || f.Severity != Critical || f.Title != "Hot partition key" {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "basis", f.Basis, "shard and key from a 1-second sample of 3 of 8 shards", "throttles and shares from 1-minute CloudWatch sums")
	wantContains(t, "summary", f.Summary, `key "tenant-42" sends 70% of shardId-000000000000's records`, "as the stream refuses 120 records/s")
	wantContains(t, "advice", f.Advice, `Spread "tenant-42" over at least 2 shards`)
	if f.Evidence["key_share"] != 0.7 || f.Evidence["open_shards"] != 8 {
		t.Errorf("evidence %v", f.Evidence)
	}
}

// Without a sample, shard-level metrics name the shard that refuses writes, and the advice
// splits its range; no key is guessed.
func TestOutsideHotShardFromShardMetrics(t *testing.T) {
	b := newView(4, time.Minute, 5).stream(1000+3*200, (1000+3*200)*500, 300)
	for i := range 4 {
		if i == 2 {
			b.shard(i, 1000, 1000*500, 300)
		} else {
			b.shard(i, 200, 200*500, 0)
		}
	}
	f := oneFinding(t, b.v, "hot-shard")
	if f.ShardID != shardID(2) || f.Key != "" || f.Title != "Hot shard" || f.Severity != Critical {
		t.Fatalf("finding %+v", f)
	}
	if f.Basis != "from 1-minute CloudWatch shard metrics" {
		t.Errorf("basis %q", f.Basis)
	}
	wantContains(t, "summary", f.Summary, "refusing 300 records/s (shard-level WriteProvisionedThroughputExceeded)", "its keys are not in the sample")
	wantContains(t, "advice", f.Advice, "SplitShard shardId-000000000002 with NewStartingHashKey")

	// With the sample reading that shard, its key is named from the sample.
	b.sampled(2, 1000, 1000*500, 1000, 0, metrics.KeyCount{Key: "region-eu", RecordShare: 0.5})
	f = oneFinding(t, b.v, "hot-shard")
	if f.Key != "region-eu" || f.Basis != "from 1-minute CloudWatch shard metrics; key from a 1-second sample of 1 of 4 shards" {
		t.Fatalf("finding %+v", f)
	}
}

// A cause that goes clears its finding after ClearAfter, and History keeps it.
func TestOutsideFindingClearsWhenItsCauseGoes(t *testing.T) {
	a := New(Config{ClearAfter: 3 * time.Second})
	hot := newView(4, time.Minute, 5).stream(1600, 1600*1000, 300)
	even := newView(4, time.Minute, 5).stream(1600, 1600*1000, 0)
	for i := range 4 {
		load, thr := 200.0, 0.0
		if i == 2 {
			load, thr = 1000, 300
		}
		hot.shard(i, load, load*1000, thr)
		even.shard(i, 400, 400*1000, 0)
	}
	raised, _ := a.ObserveOutside(hot.v)
	if len(findRule(raised, "hot-shard")) != 1 {
		t.Fatalf("raised %v", rules(raised))
	}
	for s := 1; s <= 3; s++ {
		even.v.Time = viewTime.Add(time.Duration(s) * time.Second)
		_, cleared := a.ObserveOutside(even.v)
		if s < 3 && len(cleared) > 0 {
			t.Fatalf("cleared after %d s, ClearAfter is 3 s", s)
		}
		if s == 3 && len(findRule(cleared, "hot-shard")) != 1 {
			t.Fatalf("not cleared after 3 s: active %v", rules(a.Active()))
		}
	}
	h := a.History()
	if len(h) != 1 || h[0].Active || h[0].Rule != "hot-shard" || h[0].Basis == "" {
		t.Fatalf("history %+v", h)
	}
}

// With only the sample, reading every shard: shares come from the sample, and a shard at its
// limit in its busiest second is named with a warning (no source says it is refused).
func TestOutsideHotKeyFromTheSampleAlone(t *testing.T) {
	b := newView(2, time.Minute, 5).sampled(0, 900, 900*300, 990, 0, metrics.KeyCount{Key: "device-1", RecordShare: 0.4}).sampled(1, 100, 100*300, 150, 0)
	f := oneFinding(t, b.v, "hot-shard")
	if f.Key != "device-1" || f.Severity != Warning || f.Basis != "shard and key from a 1-second sample of all 2 shards" {
		t.Fatalf("finding %+v", f)
	}
	wantContains(t, "summary", f.Summary, "takes 90% of the stream's records", "at 99% of its records limit at its busiest second")
}
