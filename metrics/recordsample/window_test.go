package recordsample

import (
	"fmt"
	"math"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// More distinct keys than are counted exactly: an estimate, said to be one, close to the truth;
// and once the window has passed, those arrivals no longer count.
func TestSampleEstimatesManyKeysAndForgetsOldArrivals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := newTestStream(t, 4, nil)
		s := ts.start(ts.kin, Config{Window: 20 * time.Second})
		time.Sleep(2 * time.Second)
		const keys = 12_000
		for sec := range 4 {
			var recs []types.PutRecordsRequestEntry
			for i := range keys / 4 {
				recs = append(recs, entry(fmt.Sprintf("device-%05d", sec*keys/4+i), []byte("x")))
			}
			ts.put(recs...)
			time.Sleep(time.Second)
		}
		time.Sleep(2 * time.Second)
		rs := s.Sample()
		if rs.KeysExact || math.Abs(float64(rs.DistinctKeys)-keys) > 0.03*keys || rs.UserRecords != keys {
			t.Errorf("%d distinct keys (exact %v) in %d records: want an estimate within 3 %% of %d", rs.DistinctKeys, rs.KeysExact, rs.UserRecords, keys)
		}
		for _, sh := range rs.Shards {
			if sh.DistinctKeys != sh.UserRecords { // each shard's few thousand are counted exactly
				t.Errorf("shard %s: %d distinct keys, %d records", sh.ShardID, sh.DistinctKeys, sh.UserRecords)
			}
		}

		time.Sleep(30 * time.Second) // the window passes with nothing new
		ts.put(entry("late", []byte("y")))
		time.Sleep(2 * time.Second)
		rs = s.Sample()
		if rs.UserRecords != 1 || rs.DistinctKeys != 1 || !rs.KeysExact || rs.SizeMax != 5 {
			t.Errorf("after the window: %d records, %d keys (exact %v), max size %d: want only the late record", rs.UserRecords, rs.DistinctKeys, rs.KeysExact, rs.SizeMax)
		}
		for _, sh := range rs.Shards {
			if sh.Seconds > 20 || sh.PeakRecords > 1 {
				t.Errorf("shard %s after the window: %+v", sh.ShardID, sh)
			}
		}
	})
}
