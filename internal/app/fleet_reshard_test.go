package app

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/workload"
)

// A fleet's records are shown to the hot-key tracker and the offered counts with the shard the
// live map routes them to: after the stream doubles its shards mid-run, the new shards get them
// and the closed ones none, and each new shard's offered records are the ones the emulator
// stored in it (the attribution is Kinesis's own routing, not the start's shard list).
func TestFleetFollowsTheShardMapThroughAReshard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		spec := workload.DefaultSpec()
		spec.Rate, spec.Duration = 800, time.Minute
		spec.Keys, _ = workload.ParseKeys("random")
		spec.Size, _ = workload.ParseSize("100")
		r, err := Start(ctx, Options{Workload: spec, Shards: 2, ReshardAfter: 3 * time.Second, InProcess: true, NoCloudWatch: true,
			Engine: EngineOptions{Profile: ProfilePutRecords, Clients: 40, ClientInterval: 200 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Stop(ctx, nil)

		// The emulator's shards: the open ones after the reshard, and the parents it closed.
		var open, closed []string
		eventually.Nil(t, time.Minute, "the stream at 4 open shards", func() error {
			gt, _ := r.GroundTruth()
			open, closed = nil, nil
			for _, s := range gt.Shards {
				if s.Open {
					open = append(open, s.ShardID)
				} else {
					closed = append(closed, s.ShardID)
				}
			}
			if len(open) != 4 || len(closed) != 2 {
				return fmt.Errorf("open %v, closed %v", open, closed)
			}
			return nil
		})
		// The fleet learns of the new shards from the service's answers and reloads its map.
		eventually.Nil(t, 30*time.Second, "offered records on every new shard", func() error {
			for _, id := range open {
				if n, _ := r.offered.Offered(id); n == 0 {
					return fmt.Errorf("nothing offered to %s", id)
				}
			}
			return nil
		})
		offered := func(ids []string) map[string]int64 {
			m := map[string]int64{}
			for _, id := range ids {
				m[id], _ = r.offered.Offered(id)
			}
			return m
		}
		stored := func() map[string]int64 {
			gt, _ := r.GroundTruth()
			m := map[string]int64{}
			for _, s := range gt.Shards {
				m[s.ShardID] = s.AcceptedUserRecords
			}
			return m
		}
		offClosed0, offOpen0, stored0 := offered(closed), offered(open), stored()
		time.Sleep(10 * time.Second) // a window of load on virtual time
		offClosed1, offOpen1, stored1 := offered(closed), offered(open), stored()
		for _, id := range closed {
			if d := offClosed1[id] - offClosed0[id]; d != 0 {
				t.Errorf("closed shard %s was offered %d records after the reshard", id, d)
			}
		}
		for _, id := range open {
			off, got := offOpen1[id]-offOpen0[id], stored1[id]-stored0[id]
			// 10 s of 800 records/s over 4 shards: ~2,000 each; the clients' 200 ms of buffering
			// at either end of the window is the only difference.
			if off < 1000 || got < off*8/10 || got > off*12/10 {
				t.Errorf("shard %s: offered %d records in the window, the emulator stored %d", id, off, got)
			}
			if len(r.hot.Top(id, 1, false)) == 0 {
				t.Errorf("no hot keys tracked for %s", id)
			}
		}
		// The engine's shard list is the open shards, as the producer's is.
		var listed []string
		for _, s := range r.eng.Stats().Shards {
			listed = append(listed, s.ShardID)
		}
		if fmt.Sprint(listed) != fmt.Sprint(open) {
			t.Errorf("the fleet lists shards %v; the stream's open shards are %v", listed, open)
		}
	})
}
