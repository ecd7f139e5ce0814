package producer_test

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// putResolved puts n records with distinct data ("r0", "r1", …) and waits for all of them to resolve.
func putResolved(t *testing.T, p *producer.Producer, n int) []producer.Result {
	t.Helper()
	var c collect
	for i := range n {
		if err := p.Put(context.Background(), producer.Record{PartitionKey: fmt.Sprint("k", i%7), Data: fmt.Appendf(nil, "r%d", i)}, c.cb); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c.wait(t, n, time.Minute)
}

// A request that times out may still have been stored: its records are "maybe stored", never
// "failed" as if the stream did not hold them — and the stream, read back, does hold them.
func TestTimedOutRecordsAreMaybeStored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 2}}})
		if err := emu.SetFaults(emulator.Faults{AnswerLatency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 300 * time.Millisecond}}); err != nil {
			t.Fatal(err)
		}
		p := newProducer(t, client, producer.Config{StreamName: "s", RequestTimeout: 100 * time.Millisecond, RecordTtl: time.Second})
		results := putResolved(t, p, 200)
		for _, r := range results {
			if r.Outcome() != producer.MaybeStored {
				t.Fatalf("record %s: outcome %v (err %v), want maybe stored", r.Record.Data, r.Outcome(), r.Err)
			}
			if len(r.Attempts) == 0 || r.Attempts[0].Code != "Timeout" || !r.Attempts[0].Unanswered {
				t.Fatalf("record %s: first attempt %+v, want an unanswered Timeout", r.Record.Data, r.Attempts)
			}
		}
		st := p.Stats().Stream
		if st.FailedMaybeStored != 200 || st.FailedNotStored != 0 || st.FailedNeverSent != 0 || st.Failed != 200 {
			t.Fatalf("stats: %+v", st)
		}
		synctest.Wait() // the emulator finishes the requests the producer gave up on
		distinct := map[string]bool{}
		got, _ := readBack(t, client, "s")
		for _, r := range got {
			distinct[r.data] = true
		}
		if len(distinct) != 200 {
			t.Fatalf("the stream holds %d of the 200 records the producer gave up on as maybe stored", len(distinct))
		}
	})
}

// Records refused by every attempt are "not stored"; records acknowledged after an attempt that
// timed out are flagged as possible duplicates, and the stream shows why.
func TestOutcomesAfterAnsweredErrorsAndLateAcknowledgements(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
		if err := emu.SetFaults(emulator.Faults{InternalFailureRate: 1}); err != nil {
			t.Fatal(err)
		}
		p := newProducer(t, client, producer.Config{StreamName: "s", RecordTtl: time.Second, DisableAggregation: true})
		for _, r := range putResolved(t, p, 50) {
			if r.Outcome() != producer.NotStored {
				t.Fatalf("record %s: outcome %v, want not stored (every attempt answered InternalFailure)", r.Record.Data, r.Outcome())
			}
		}

		// Now the service answers late, then in time: the first attempt times out (stored), the
		// retry is acknowledged.
		if err := emu.SetFaults(emulator.Faults{AnswerLatency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 300 * time.Millisecond}}); err != nil {
			t.Fatal(err)
		}
		p2 := newProducer(t, client, producer.Config{StreamName: "s", RequestTimeout: 100 * time.Millisecond, RecordTtl: 10 * time.Second, DisableAggregation: true})
		go func() {
			time.Sleep(250 * time.Millisecond) // virtual: after the first attempt timed out
			_ = emu.SetFaults(emulator.Faults{})
		}()
		dups := 0
		timedOut := map[string]int{}
		for _, r := range putResolved(t, p2, 20) {
			for _, a := range r.Attempts {
				if a.Unanswered {
					timedOut[string(r.Record.Data)]++
				}
			}
			if r.Outcome() != producer.Acknowledged {
				t.Fatalf("record %s: outcome %v, want acknowledged", r.Record.Data, r.Outcome())
			}
			if r.MaybeDuplicated() {
				dups++
			}
		}
		if dups != 20 || p2.Stats().Stream.AckedMaybeDuplicated != 20 {
			t.Fatalf("%d results and %d in stats flagged maybe duplicated, want 20", dups, p2.Stats().Stream.AckedMaybeDuplicated)
		}
		synctest.Wait()
		got, _ := readBack(t, client, "s")
		copies := map[string]int{}
		for _, r := range got {
			copies[r.data]++
		}
		for i := range 20 {
			r := fmt.Sprintf("r%d", i)
			if n := copies[r]; n != timedOut[r]+1 || n < 2 {
				t.Fatalf("record %s stored %d times, want %d (each timed-out attempt and the acknowledged one)", r, n, timedOut[r]+1)
			}
		}
		for i := range 50 {
			if n := copies[fmt.Sprintf("r%d", i)]; i >= 20 && n != 0 {
				t.Fatalf("record r%d of the refused run stored %d times", i, n)
			}
		}
	})
}
