package app

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/workload"
)

// A run spread over a 10,000-shard stream (`--shards 10000 --keys random`): the embedded
// emulator takes the stream (us-east-1's quota is 20,000), the producer routes over all of it, and
// every record is accounted for — and stored: the emulator holds exactly the user records the
// producer says were acknowledged, on most of the shards.
func TestRunOverTenThousandShards(t *testing.T) { synctest.Test(t, testRunOverTenThousandShards) }

func testRunOverTenThousandShards(t *testing.T) {
	const shards = 10_000
	ctx := context.Background()
	spec := workload.DefaultSpec()
	spec.Rate = 20_000
	spec.Keys, _ = workload.ParseKeys("random")
	spec.Size, _ = workload.ParseSize("100")
	r, err := Start(ctx, Options{Shards: shards, Workload: spec, SampleInterval: time.Second, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	// Polled every 250 ms of virtual time: a snapshot covers 10,000 shards.
	eventually.NilEvery(t, 15*time.Second, 250*time.Millisecond, "records put", func() error {
		if r.eng.Stats().Stream.UserRecordsPut > 15_000 {
			return nil
		}
		return errors.New("not yet")
	})
	if n := len(r.eng.Stats().Shards); n != shards {
		t.Fatalf("the producer routes over %d shards, want %d", n, shards)
	}
	// Pause and let the sampler see the producer drained: with nothing throttled, draining takes
	// no virtual time, and the summary at the same virtual instant as the last sample reuses it.
	if !r.TogglePause() {
		t.Fatal("TogglePause did not pause")
	}
	eventually.NilEvery(t, 15*time.Second, time.Second, "the sampler to see the producer drained", func() error {
		if l := r.Store().Latest(); l != nil && l.Producer.Stream.UserRecordsPending == 0 && l.Producer.Stream.UserRecordsPut > 0 {
			return nil
		}
		return errors.New("not yet")
	})
	sum, err := r.Stop(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Accounting.Holds || sum.Accounting.Acknowledged < 15_000 || sum.Accounting.Failed != 0 {
		t.Fatalf("accounting: %+v", sum.Accounting)
	}
	st, ok := r.emu.StreamStats("shardstorm-demo")
	if !ok || len(st.Shards) != shards {
		t.Fatalf("emulator: %d shards (%v)", len(st.Shards), ok)
	}
	if st.Total.AcceptedUserRecords != sum.Accounting.Acknowledged {
		t.Fatalf("the stream holds %d user records, the producer says %d were acknowledged", st.Total.AcceptedUserRecords, sum.Accounting.Acknowledged)
	}
	touched := 0
	for _, sh := range st.Shards {
		if sh.AcceptedUserRecords > 0 {
			touched++
		}
	}
	// 15,000+ random keys over 10,000 shards leave ~22% of them (e^-1.5) untouched.
	if touched < shards*7/10 {
		t.Fatalf("records reached %d of %d shards", touched, shards)
	}
}
