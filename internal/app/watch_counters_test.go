package app

import (
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/producer"
)

// CloudWatch's per-period sums become counters that grow smoothly, Delay late, from zero at the
// start of the watch, whatever history was there before; old periods are folded, not lost.
func TestCWCountersIntegrateLate(t *testing.T) {
	start := time.Unix(1_000_000, 0)
	cfg := cloudwatch.Config{Period: time.Second, Interval: time.Second, Revisit: 5}
	c := newCWCounters(start, cfg)
	if c.delay != 3*time.Second {
		t.Fatalf("delay %v, want 3s", c.delay)
	}
	c.setShards([]producer.ShardStats{{ShardID: "shardId-0"}}, start)
	// 1000 records in every second, from well before the start to 10 s after it.
	var pts []cloudwatch.Point
	for s := -100; s < 10; s++ {
		pts = append(pts, cloudwatch.Point{Time: start.Add(time.Duration(s) * time.Second), Value: 1000})
	}
	shard := cwIncomingRecords
	shard.ShardID = "shardId-0"
	at := func(d time.Duration) int64 {
		c.ingest(cwIncomingRecords, pts, start.Add(d))
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.value(cwIncomingRecords, start.Add(d))
	}
	if v := at(0); v != 0 {
		t.Fatalf("at the start: %d, want 0 (history before the watch is not a burst)", v)
	}
	if v := at(2500 * time.Millisecond); v != 2500 {
		t.Fatalf("2.5 s in: %d, want 2500 (1000/s from start−3s to now−3s)", v)
	}
	if v := at(13 * time.Second); v != 13000 {
		t.Fatalf("13 s in: %d, want 13000", v)
	}
	if v := at(30 * time.Second); v != 13000 || len(c.series[cwIncomingRecords].points) != 0 {
		t.Fatalf("after folding: %d (%d points kept), want 13000 (the data ends 10 s in) and none", v, len(c.series[cwIncomingRecords].points))
	}
	c.ingest(shard, pts, start.Add(13*time.Second))
	st := c.Stats()
	if len(st.Shards) != 1 || st.Shards[0].KinesisRecordsPut == 0 || st.Stream.ShardMapChanges != 1 {
		t.Fatalf("stats %+v", st)
	}
}
