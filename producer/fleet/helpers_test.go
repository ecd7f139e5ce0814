package fleet_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"go.uber.org/goleak"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/producer/fleet"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rtt is the emulator's added latency in these tests: a request takes virtual time, as over a
// network, so a client re-sending failed entries at once does not spin in zero time.
const rtt = 20 * time.Millisecond

// inProcess starts the real emulator with stream "s" of shards shards, reached by a real SDK
// client through emulator.InMemTransport (no socket: the test runs in a synctest bubble).
func inProcess(t *testing.T, shards int, faults emulator.Faults) (*emulator.Emulator, *kinesis.Client) {
	t.Helper()
	if faults.Latency.Kind == emulator.LatencyNone {
		faults.Latency = emulator.Latency{Kind: emulator.LatencyFixed, Base: rtt}
	}
	e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: shards}}, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	return e, sdktest.Kinesis("http://emulator.in-process", 0, emulator.InMemTransport{Handler: e})
}

// baseConfig is a PutRecords fleet writing to "s".
func baseConfig(clients int) fleet.Config {
	return fleet.Config{StreamName: "s", API: fleet.PutRecords, Clients: clients, Threads: 1, Batch: 50,
		Interval: time.Second, Buffer: 1000, RequestTimeout: 5 * time.Second, RecordTtl: 60 * time.Second}
}

// ledger checks that every record resolves exactly once and counts the outcomes.
type ledger struct {
	t        *testing.T
	mu       sync.Mutex
	seen     map[string]producer.Result
	outcomes map[producer.Outcome]int64
	put      int64
}

func newLedger(t *testing.T) *ledger {
	return &ledger{t: t, seen: map[string]producer.Result{}, outcomes: map[producer.Outcome]int64{}}
}

// put puts one record with a unique id as its data, waiting for room.
func (l *ledger) putOne(ctx context.Context, f *fleet.Fleet, size int) error {
	l.mu.Lock()
	id := fmt.Sprintf("rec-%08d", l.put)
	l.put++
	l.mu.Unlock()
	data := make([]byte, max(size, len(id)))
	copy(data, id)
	err := f.Put(ctx, producer.Record{PartitionKey: id, Data: data}, func(r producer.Result) {
		l.mu.Lock()
		defer l.mu.Unlock()
		key := r.Record.PartitionKey
		if _, dup := l.seen[key]; dup {
			l.t.Errorf("%s resolved twice", key)
		}
		l.seen[key] = r
		l.outcomes[r.Outcome()]++
	})
	if err != nil {
		l.mu.Lock()
		l.put--
		l.mu.Unlock()
	}
	return err
}

// drive puts perSecond records a second (in 10 ms steps) for d.
func (l *ledger) drive(ctx context.Context, f *fleet.Fleet, perSecond int, d time.Duration, size int) {
	step := 10 * time.Millisecond
	perStep := perSecond / 100
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(step) {
		for range perStep {
			if err := l.putOne(ctx, f, size); err != nil {
				l.t.Fatal(err)
			}
		}
	}
}

// check asserts the accounting once every record has resolved: each record put resolved once,
// and the fleet's figures add up to the ledger's (received = the outcomes + pending).
func (l *ledger) check(f *fleet.Fleet) producer.StreamStats {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	st := f.Stats().Stream
	if int64(len(l.seen)) != l.put {
		l.t.Fatalf("%d of %d records resolved", len(l.seen), l.put)
	}
	if st.UserRecordsReceived != l.put || st.UserRecordsPending != 0 {
		l.t.Fatalf("received %d pending %d, want %d and 0", st.UserRecordsReceived, st.UserRecordsPending, l.put)
	}
	if sum := st.UserRecordsPut + st.FailedMaybeStored + st.FailedNotStored + st.FailedNeverSent + st.UserRecordsPending; sum != st.UserRecordsReceived {
		l.t.Fatalf("received %d ≠ acknowledged %d + maybe stored %d + not stored %d + never sent %d + pending %d",
			st.UserRecordsReceived, st.UserRecordsPut, st.FailedMaybeStored, st.FailedNotStored, st.FailedNeverSent, st.UserRecordsPending)
	}
	for o, want := range map[producer.Outcome]int64{producer.Acknowledged: st.UserRecordsPut, producer.MaybeStored: st.FailedMaybeStored,
		producer.NotStored: st.FailedNotStored, producer.NeverSent: st.FailedNeverSent} {
		if l.outcomes[o] != want {
			l.t.Errorf("%v: callbacks say %d, Stats %d", o, l.outcomes[o], want)
		}
	}
	return st
}
