package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/producer/fleet"
)

// Thousands of clients: every record put resolves once, and the fleet's figures add up, with
// the emulator's count of stored records equal to what the fleet says was acknowledged.
func TestAccountingIsExact(t *testing.T) {
	for _, clients := range []int{300, 5000} {
		t.Run(fmt.Sprint(clients, " clients"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, kin := inProcess(t, 4, emulator.Faults{})
				ctx := context.Background()
				cfg := baseConfig(clients)
				cfg.Interval = 5 * time.Second
				f, err := fleet.New(ctx, kin, cfg)
				if err != nil {
					t.Fatal(err)
				}
				l := newLedger(t)
				l.drive(ctx, f, 600, 10*time.Second, 100)
				if err := f.Close(ctx); err != nil {
					t.Fatal(err)
				}
				st := l.check(f)
				es, _ := e.StreamStats("s")
				if st.UserRecordsPut != l.put || es.Total.AcceptedRecords != st.UserRecordsPut {
					t.Fatalf("put %d, acknowledged %d, the emulator stored %d", l.put, st.UserRecordsPut, es.Total.AcceptedRecords)
				}
				if len(f.Stats().Shards) != 4 {
					t.Errorf("per-shard figures for %d shards, want the 4 the service named", len(f.Stats().Shards))
				}
			})
		})
	}
}

// One PutRecord client with 8 threads keeps 8 calls in flight and sends one record a call.
func TestPutRecordOneClientEightThreads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin := inProcess(t, 2, emulator.Faults{})
		ctx := context.Background()
		cfg := baseConfig(1)
		cfg.API, cfg.Batch, cfg.Threads, cfg.Interval, cfg.Buffer = fleet.PutRecord, 1, 8, 0, 10000
		f, err := fleet.New(ctx, kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := newLedger(t)
		for range 1000 {
			if err := l.putOne(ctx, f, 10); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		if got := f.Clients().InFlight; got != 8 {
			t.Errorf("%d requests in flight, want the 8 threads", got)
		}
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
		st := l.check(f)
		es, _ := e.StreamStats("s")
		if st.UserRecordsPut != 1000 || es.PutRecordRequests != 1000 || es.PutRecordsRequests != 0 {
			t.Fatalf("acknowledged %d; the emulator saw %d PutRecord and %d PutRecords calls", st.UserRecordsPut, es.PutRecordRequests, es.PutRecordsRequests)
		}
	})
}

// A PutRecords client re-sends the entries the service failed until they are stored.
func TestPutRecordsResendsFailedEntries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin := inProcess(t, 1, emulator.Faults{InternalFailureRate: 0.3})
		ctx := context.Background()
		cfg := baseConfig(10)
		f, err := fleet.New(ctx, kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := newLedger(t)
		l.drive(ctx, f, 200, 5*time.Second, 100)
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
		st := l.check(f)
		es, _ := e.StreamStats("s")
		if st.UserRecordsPut != l.put || es.Total.AcceptedRecords != l.put || es.Total.InternalFailures == 0 {
			t.Fatalf("put %d, acknowledged %d, stored %d, failed by the service %d", l.put, st.UserRecordsPut, es.Total.AcceptedRecords, es.Total.InternalFailures)
		}
		if st.Retries < es.Total.InternalFailures || st.ErrorsByCode["InternalFailure"] != es.Total.InternalFailures {
			t.Fatalf("retries %d, InternalFailure errors %d; the service failed %d entries", st.Retries, st.ErrorsByCode["InternalFailure"], es.Total.InternalFailures)
		}
	})
}

// An outage of 10 s from 5 s: every client buffers offline (no request), reconnects at 15 s at
// once, and the burst throttles in the reconnect second; every buffered record is delivered.
func TestOutageBuffersAndReconnectsInABurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin := inProcess(t, 4, emulator.Faults{}) // 4,000 records/s: the ~5,900 buffered throttle
		ctx := context.Background()
		cfg := baseConfig(300)
		cfg.Connectivity = fleet.Connectivity{Kind: "outage", At: 5 * time.Second, For: 10 * time.Second}
		f, err := fleet.New(ctx, kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := newLedger(t)
		throttledAt := func() int64 { s, _ := e.StreamStats("s"); return s.Total.ThrottledRecords }
		requestsAt := func() int64 { s, _ := e.StreamStats("s"); return s.PutRecordsRequests }
		done := make(chan struct{})
		go func() { defer close(done); l.drive(ctx, f, 600, 25*time.Second, 100) }()

		time.Sleep(6 * time.Second)
		synctest.Wait()
		offReq := requestsAt()
		cs := f.Clients()
		if cs.Offline != 300 || cs.Online != 0 || cs.Buffering == 0 || cs.Buffered == 0 {
			t.Fatalf("6 s in (offline since 5 s): %+v", cs)
		}
		time.Sleep(8*time.Second + 900*time.Millisecond) // 14.9 s
		synctest.Wait()
		cs = f.Clients()
		if requestsAt() != offReq {
			t.Fatalf("offline clients sent %d requests", requestsAt()-offReq)
		}
		if cs.Buffered < 5000 || cs.Reconnects != 0 {
			t.Fatalf("14.9 s in: %+v, want ~5,900 records buffered, no reconnect yet", cs)
		}
		before := throttledAt()
		if before != 0 {
			t.Fatalf("%d records throttled before the reconnect: the load alone fits the stream", before)
		}
		time.Sleep(1100 * time.Millisecond) // 16 s: one second after the reconnect
		synctest.Wait()
		cs = f.Clients()
		if cs.Online != 300 || cs.Reconnects != 300 {
			t.Fatalf("16 s in: %+v, want every client back once", cs)
		}
		if burst := throttledAt() - before; burst == 0 {
			t.Fatal("the reconnect burst was not throttled")
		}
		<-done
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
		st := l.check(f)
		if st.UserRecordsPut != l.put || st.ErrorsByCode["ProvisionedThroughputExceededException"] == 0 {
			t.Fatalf("put %d, acknowledged %d, errors %v", l.put, st.UserRecordsPut, st.ErrorsByCode)
		}
		var throttles int64
		for _, sh := range f.Stats().Shards {
			throttles += sh.Throttles
		}
		if es, _ := e.StreamStats("s"); throttles != es.Total.ThrottledRecords {
			t.Fatalf("per-shard throttles add up to %d, the emulator throttled %d", throttles, es.Total.ThrottledRecords)
		}
	})
}

// Flaky clients: a share is offline at any time, each reconnects once a cycle, and what they
// buffer offline is delivered when they are back.
func TestFlakyConnectivity(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, kin := inProcess(t, 2, emulator.Faults{})
		ctx := context.Background()
		cfg := baseConfig(100)
		cfg.Connectivity = fleet.Connectivity{Kind: "flaky", Up: 3 * time.Second, Down: time.Second}
		f, err := fleet.New(ctx, kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := newLedger(t)
		l.drive(ctx, f, 500, 10*time.Second, 100)
		cs := f.Clients()
		if cs.Offline < 20 || cs.Offline > 30 || cs.Reconnects < 200 || cs.Reconnects > 300 {
			t.Fatalf("10 s of 3 s up / 1 s down: %+v, want a quarter offline and 2–3 reconnects a client", cs)
		}
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if st := l.check(f); st.UserRecordsPut != l.put {
			t.Fatalf("put %d, acknowledged %d", l.put, st.UserRecordsPut)
		}
	})
}

// A record that outlives RecordTtl offline fails NeverSent (no request was ever made for it).
func TestRecordExpiringOfflineIsNeverSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin := inProcess(t, 1, emulator.Faults{})
		ctx := context.Background()
		cfg := baseConfig(5)
		cfg.RecordTtl = 3 * time.Second
		cfg.Connectivity = fleet.Connectivity{Kind: "outage", At: 0, For: 10 * time.Second}
		f, err := fleet.New(ctx, kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var res producer.Result
		if err := f.Put(ctx, producer.Record{PartitionKey: "k", Data: []byte("x")}, func(r producer.Result) { res = r }); err != nil {
			t.Fatal(err)
		}
		time.Sleep(4 * time.Second)
		synctest.Wait()
		if res.Err == nil || !errors.Is(res.Err, producer.ErrExpired) || res.Outcome() != producer.NeverSent || len(res.Attempts) != 0 {
			t.Fatalf("after 4 s offline with a 3 s TTL: %+v (outcome %v)", res, res.Outcome())
		}
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if st := f.Stats().Stream; st.FailedNeverSent != 1 || st.Expired != 1 || st.Requests != 0 {
			t.Fatalf("stats %+v", st)
		}
		if es, _ := e.StreamStats("s"); es.PutRecordsRequests != 0 {
			t.Fatal("an offline client sent a request")
		}
	})
}

// A request that times out (the service stored it, but the answer comes after RequestTimeout)
// leaves its records MaybeStored: for a PutRecord client at once, for a PutRecords client when
// its re-sends run out of RecordTtl.
func TestTimeoutIsMaybeStored(t *testing.T) {
	for _, api := range []fleet.API{fleet.PutRecord, fleet.PutRecords} {
		t.Run(string(api), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, kin := inProcess(t, 1, emulator.Faults{AnswerLatency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 3 * time.Second}})
				ctx := context.Background()
				cfg := baseConfig(1)
				cfg.API, cfg.Batch, cfg.Interval = api, 1, 0
				cfg.RequestTimeout, cfg.RecordTtl = time.Second, 5*time.Second
				f, err := fleet.New(ctx, kin, cfg)
				if err != nil {
					t.Fatal(err)
				}
				var res producer.Result
				if err := f.Put(ctx, producer.Record{PartitionKey: "k", Data: []byte("x")}, func(r producer.Result) { res = r }); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(ctx); err != nil {
					t.Fatal(err)
				}
				var re *producer.RecordError
				if res.Outcome() != producer.MaybeStored || !errors.As(res.Err, &re) || !re.MaybeStored || !res.Attempts[0].Unanswered {
					t.Fatalf("%+v: outcome %v, want MaybeStored", res, res.Outcome())
				}
				time.Sleep(10 * time.Second) // let the emulator finish answering nobody
				if es, _ := e.StreamStats("s"); es.Total.AcceptedRecords == 0 {
					t.Fatal("the emulator stored nothing: the test did not time out a request that stored")
				}
				if st := f.Stats().Stream; st.FailedMaybeStored != 1 || st.ErrorsByCode["RequestTimeout"] == 0 {
					t.Fatalf("stats %+v", st)
				}
			})
		})
	}
}

// Close resolves what an offline client still holds when its ctx ends: NeverSent, ErrClosed.
func TestCloseResolvesWhatOfflineClientsHold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, kin := inProcess(t, 1, emulator.Faults{})
		cfg := baseConfig(3)
		cfg.Connectivity = fleet.Connectivity{Kind: "outage", At: 0, For: time.Hour}
		f, err := fleet.New(context.Background(), kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := newLedger(t)
		for range 30 {
			if err := l.putOne(context.Background(), f, 10); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := f.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Close: %v, want the deadline", err)
		}
		if st := l.check(f); st.FailedNeverSent != 30 {
			t.Fatalf("stats %+v", st)
		}
		if err := f.TryPut(producer.Record{PartitionKey: "k", Data: []byte("x")}, nil); !errors.Is(err, producer.ErrClosed) {
			t.Fatalf("TryPut after Close: %v", err)
		}
	})
}

// A full client buffer refuses TryPut with ErrBufferFull.
func TestTryPutRefusesWhenTheBufferIsFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, kin := inProcess(t, 1, emulator.Faults{})
		cfg := baseConfig(1)
		cfg.Buffer = 5
		cfg.Connectivity = fleet.Connectivity{Kind: "outage", At: 0, For: time.Minute}
		f, err := fleet.New(context.Background(), kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			err := f.TryPut(producer.Record{PartitionKey: "k", Data: []byte("x")}, nil)
			if (i < 5) != (err == nil) || (i == 5 && !errors.Is(err, fleet.ErrBufferFull)) {
				t.Fatalf("TryPut %d: %v", i, err)
			}
		}
		if err := f.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// With RetryBackoff, a PutRecords client throttled by a shard it overloads three times over waits
// (jittered) before re-sending, so its rounds are spaced: on virtual time against an emulator that
// answers at once, a client re-sending at once would never let the clock move (the test would
// hang), and against AWS it would only add to the throttling. Every record still resolves once.
func TestThrottledClientsBackOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, kin := inProcess(t, 1, emulator.Faults{Latency: emulator.Latency{Kind: emulator.LatencyFixed}})
		ctx := context.Background()
		cfg := baseConfig(1)
		cfg.Batch, cfg.Interval, cfg.Buffer, cfg.RetryBackoff, cfg.RecordTtl = 500, 0, 20000, 100*time.Millisecond, 10*time.Second
		f, err := fleet.New(ctx, kin, cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := newLedger(t)
		start := time.Now()
		l.drive(ctx, f, 3000, 3*time.Second, 100)
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
		st := l.check(f)
		es, _ := e.StreamStats("s")
		if es.Total.ThrottledRecords == 0 || st.Retries == 0 {
			t.Fatalf("no throttling at three times the shard's records limit: %+v", es.Total)
		}
		// Spaced rounds: at most one request per 50 ms (half the first backoff) while throttled,
		// besides one per 10 ms step of the driver while not.
		elapsed := time.Since(start)
		if max := int64(elapsed/(10*time.Millisecond)) + 1; st.Requests > max {
			t.Fatalf("%d requests in %v: not backing off", st.Requests, elapsed)
		}
		t.Logf("%d requests, %d retries, %d throttled in %v", st.Requests, st.Retries, es.Total.ThrottledRecords, elapsed)
	})
}
