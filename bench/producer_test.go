package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// stubPutter answers TryPut with err and calls done with a success at once when it accepts, so
// that a benchmark sees only the contender's own per-record work.
type stubPutter struct{ err error }

func (p *stubPutter) Put(_ context.Context, r producer.Record, done func(producer.Result)) error {
	return p.TryPut(r, done)
}

func (p *stubPutter) TryPut(r producer.Record, done func(producer.Result)) error {
	if p.err != nil {
		return p.err
	}
	done(producer.Result{Record: r})
	return nil
}

func TestTryEmitFullIsSinkFullAndBufferFull(t *testing.T) {
	err := tryEmit(&stubPutter{err: producer.ErrBufferFull}, newTally(), workload.Record{PartitionKey: "k", Data: []byte("d")}, time.Now())
	if !errors.Is(err, workload.ErrSinkFull) || !errors.Is(err, producer.ErrBufferFull) {
		t.Fatalf("tryEmit on a full buffer = %v, want both workload.ErrSinkFull and producer.ErrBufferFull", err)
	}
}

// TestTryEmitAtTimesFromTheGeneratorsReading: a record's latency starts at the hand-over time
// the generator gives, not at the contender's own reading of the clock.
func TestTryEmitAtTimesFromTheGeneratorsReading(t *testing.T) {
	tl := newTally()
	handedOver := time.Now().Add(-2 * time.Second)
	if err := tryEmit(&stubPutter{}, tl, workload.Record{PartitionKey: "k", Data: []byte("d")}, handedOver); err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(tl.hist.Max()) * time.Microsecond; tl.delivered.Load() != 1 || got < 2*time.Second {
		t.Fatalf("delivered %d, latency %v: want 1 record at ≥ 2 s (from the given hand-over time)", tl.delivered.Load(), got)
	}
}

// BenchmarkTryEmit is the contender's own cost per record (the result callback, the tally),
// around a producer that accepts and resolves at once or refuses as full. The hand-over time is
// read once per 16 records, as the generator does (workload.TimedTrySink).
func BenchmarkTryEmit(b *testing.B) {
	r := workload.Record{PartitionKey: "key-1234", Data: make([]byte, 100)}
	for _, c := range []struct {
		name string
		err  error
	}{{"accepted", nil}, {"full", producer.ErrBufferFull}} {
		b.Run(c.name, func(b *testing.B) {
			p, t := &stubPutter{err: c.err}, newTally()
			b.ReportAllocs()
			var now time.Time
			i := 0
			for b.Loop() {
				if i%16 == 0 {
					now = time.Now()
				}
				i++
				_ = tryEmit(p, t, r, now)
			}
		})
	}
}
