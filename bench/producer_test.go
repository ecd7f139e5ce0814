package main

import (
	"context"
	"errors"
	"testing"

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
	err := tryEmit(&stubPutter{err: producer.ErrBufferFull}, newTally(), workload.Record{PartitionKey: "k", Data: []byte("d")})
	if !errors.Is(err, workload.ErrSinkFull) || !errors.Is(err, producer.ErrBufferFull) {
		t.Fatalf("tryEmit on a full buffer = %v, want both workload.ErrSinkFull and producer.ErrBufferFull", err)
	}
}

// BenchmarkTryEmit is the contender's own cost per record (timing, the result callback, the
// tally), around a producer that accepts and resolves at once or refuses as full.
func BenchmarkTryEmit(b *testing.B) {
	r := workload.Record{PartitionKey: "key-1234", Data: make([]byte, 100)}
	for _, c := range []struct {
		name string
		err  error
	}{{"accepted", nil}, {"full", producer.ErrBufferFull}} {
		b.Run(c.name, func(b *testing.B) {
			p, t := &stubPutter{err: c.err}, newTally()
			b.ReportAllocs()
			for b.Loop() {
				_ = tryEmit(p, t, r)
			}
		})
	}
}
