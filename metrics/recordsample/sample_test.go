package recordsample

import (
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// A producer sends 70 % of its records on one key over a 4-shard stream, unaggregated, 60 bytes
// each (key and data): the sample names the key as its shard's top key with its true share, and
// counts records, bytes, sizes and aggregation exactly.
func TestSampleNamesTheHotKeyAndSizes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 4, nil)
		s := ts.start(ts.kin, Config{})
		time.Sleep(2 * time.Second) // every shard's iterator is taken: what follows is read in full

		const hot = "hot-key0" // 8 bytes, as every key here: records are 8 + 52 bytes
		data := make([]byte, 52)
		perShard := map[string][2]int64{} // records, of them hot
		var total int64
		for sec := range 20 {
			var recs []types.PutRecordsRequestEntry
			for i := range 100 {
				key := hot
				if i%10 >= 7 {
					key = fmt.Sprintf("k-%06d", sec*100+i)
				}
				recs = append(recs, entry(key, data))
				c := perShard[ts.shardOf(key)]
				c[0]++
				if key == hot {
					c[1]++
				}
				perShard[ts.shardOf(key)] = c
				total++
			}
			ts.put(recs...)
			time.Sleep(time.Second)
		}
		time.Sleep(2 * time.Second)

		rs := s.Sample()
		if rs == nil {
			t.Fatal("no sample after 24 s of reading")
		}
		hotShard := ts.shardOf(hot)
		if rs.Shards[0].ShardID != hotShard {
			t.Errorf("busiest shard %s, want the hot key's %s (shards %+v)", rs.Shards[0].ShardID, hotShard, rs.Shards)
		}
		sh := shardSample(t, rs, hotShard)
		truth := float64(perShard[hotShard][1]) / float64(perShard[hotShard][0])
		if len(sh.TopKeys) == 0 || sh.TopKeys[0].Key != hot || math.Abs(sh.TopKeys[0].RecordShare-truth) > 0.01 {
			t.Errorf("top keys of %s: %+v, want %s first with share %.3f", hotShard, sh.TopKeys, hot, truth)
		}
		for id, c := range perShard {
			got := shardSample(t, rs, id)
			if got.KinesisRecords != c[0] || got.UserRecords != c[0] || got.KinesisBytes != 60*c[0] || got.Aggregated != 0 {
				t.Errorf("shard %s: %+v, want %d records of 60 bytes, none aggregated", id, got, c[0])
			}
		}
		if rs.KinesisRecords != total || rs.UserRecords != total || rs.Aggregated != 0 {
			t.Errorf("stream: %d Kinesis records, %d user records, %d aggregates; want %d, %d, 0", rs.KinesisRecords, rs.UserRecords, rs.Aggregated, total, total)
		}
		if rs.SizeP50 != 60 || rs.SizeP99 != 60 || rs.SizeMax != 60 {
			t.Errorf("sizes p50 %d p99 %d max %d, want 60", rs.SizeP50, rs.SizeP99, rs.SizeMax)
		}
		// 600 random keys and the hot one: exact.
		if rs.DistinctKeys != 601 || !rs.KeysExact {
			t.Errorf("distinct keys %d (exact %v), want 601 exactly", rs.DistinctKeys, rs.KeysExact)
		}
		if rs.Throttled != 0 || rs.BackingOff || rs.OpenShards != 4 || len(rs.Shards) != 4 {
			t.Errorf("sample %+v: want 4 of 4 shards, nothing throttled", rs)
		}
		if src := s.Source(); src.Status != "reading" || src.Resolution != "1-second sample of 4 of 4 shards" {
			t.Errorf("source %+v", src)
		}
	})
}

// A KPL application's aggregates: the sample counts them as aggregates and the user records
// each holds, and the sizes are the user records'.
func TestSampleCountsKPLAggregates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 1, nil)
		s := ts.start(ts.kin, Config{})
		time.Sleep(2 * time.Second)

		var agg kpl.Aggregator
		const aggregates, perAggregate = 30, 25
		for i := range aggregates {
			agg.Reset()
			for j := range perAggregate {
				agg.Add(kpl.Record{PartitionKey: fmt.Sprintf("user-%04d", i*perAggregate+j), Data: make([]byte, 91)}) // 9 + 91 bytes
			}
			ts.put(entry(agg.FirstPartitionKey(), agg.Encode(nil)))
			if i%10 == 9 {
				time.Sleep(time.Second)
			}
		}
		time.Sleep(2 * time.Second)

		rs := s.Sample()
		if rs == nil {
			t.Fatal("no sample")
		}
		if rs.KinesisRecords != aggregates || rs.Aggregated != aggregates || rs.UserRecords != aggregates*perAggregate {
			t.Errorf("%d Kinesis records, %d aggregates, %d user records; want %d, %d, %d",
				rs.KinesisRecords, rs.Aggregated, rs.UserRecords, aggregates, aggregates, aggregates*perAggregate)
		}
		if rs.SizeP50 != 100 || rs.SizeMax != 100 || rs.DistinctKeys != aggregates*perAggregate || !rs.KeysExact {
			t.Errorf("sizes p50 %d max %d, distinct keys %d (exact %v); want 100, 100, %d exactly",
				rs.SizeP50, rs.SizeMax, rs.DistinctKeys, rs.KeysExact, aggregates*perAggregate)
		}
		if sh := rs.Shards[0]; sh.UserRecords != aggregates*perAggregate || len(sh.TopKeys) != DefaultTopKeys {
			t.Errorf("shard %+v", sh)
		}
	})
}

// A burst of 1,500 records within one second on a shard whose minute is otherwise quiet: the
// one-second peak shows it, at the second it arrived, though the minute's mean is far below.
func TestSampleSeesOneSecondBursts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limits := emulator.DefaultLimits()
		limits.ShardRecordsBurst = 2000 // the shard takes the burst whole
		ts := newTestStream(t, 1, &limits)
		s := ts.start(ts.kin, Config{})
		time.Sleep(2 * time.Second)

		var burstAt time.Time
		for sec := range 40 {
			ts.put(entry("a", []byte("quiet")), entry("b", []byte("quiet")))
			if sec == 25 {
				time.Sleep(300 * time.Millisecond)
				burstAt = time.Now()
				var recs []types.PutRecordsRequestEntry
				for i := range 1500 {
					recs = append(recs, entry(fmt.Sprint("burst-", i), []byte("x")))
				}
				ts.put(recs...)
				time.Sleep(700 * time.Millisecond)
				continue
			}
			time.Sleep(time.Second)
		}
		time.Sleep(2 * time.Second)

		rs := s.Sample()
		sh := rs.Shards[0]
		if sh.PeakRecords < 1500 || !sh.PeakAt.Equal(burstAt.Truncate(time.Second)) {
			t.Errorf("peak %v records at %v, want ≥ 1500 at %v", sh.PeakRecords, sh.PeakAt, burstAt.Truncate(time.Second))
		}
		if mean := float64(sh.KinesisRecords) / sh.Seconds; mean > 50 || sh.Seconds < 40 {
			t.Errorf("mean %.1f records/s over %.0f s: the burst test wants a quiet minute", mean, sh.Seconds)
		}
	})
}
