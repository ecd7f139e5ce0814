package main

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// stubPutter answers TryPut with err and calls done with a success at once when it accepts, so
// that a benchmark sees only the contender's own per-record work. With perAggregate > 0 it
// acknowledges records perAggregate at a time under one sequence number, as the producer does
// the user records of one aggregate.
type stubPutter struct {
	err          error
	perAggregate int
	n            int
}

func (p *stubPutter) Put(_ context.Context, r producer.Record, done func(producer.Result)) error {
	return p.TryPut(r, done)
}

func (p *stubPutter) TryPut(r producer.Record, done func(producer.Result)) error {
	if p.err != nil {
		return p.err
	}
	res := producer.Result{Record: r}
	if p.perAggregate > 0 {
		res.ShardID, res.SequenceNumber = "shardId-000000000000", strconv.Itoa(p.n/p.perAggregate)
		p.n++
	}
	done(res)
	return nil
}

// TestAcknowledgedCountsEveryRecordOfARun: the records of one aggregate are counted together,
// each with its bytes and its latency from its own hand-over time.
func TestAcknowledgedCountsEveryRecordOfARun(t *testing.T) {
	tl := newTally()
	now := time.Now()
	early, late := now.Add(-2*time.Second), now.Add(-time.Second)
	tl.acknowledged(early, "shardId-1", "100", 10)
	tl.acknowledged(early, "shardId-1", "100", 20)
	tl.acknowledged(late, "shardId-1", "100", 30) // handed over later: a latency of its own
	tl.acknowledged(late, "shardId-1", "200", 40)
	tl.acknowledged(late, "shardId-2", "200", 50)
	tl.acknowledged(late, "shardId-2", "", 60) // no sequence number: counted on its own
	tl.acknowledged(late, "shardId-2", "", 70)
	tl.settle()
	if d, b := tl.delivered.Load(), tl.deliveredBytes.Load(); d != 7 || b != 280 {
		t.Fatalf("delivered %d records, %d bytes: want 7 and 280", d, b)
	}
	// Two records at 2 s, five at 1 s: the 70th percentile is 1 s (at 2 s had the third record
	// joined the first two's run).
	sec := int64(time.Second / time.Microsecond)
	if total, p70 := tl.hist.TotalCount(), tl.hist.ValueAtQuantile(70); total != 7 || tl.hist.Max() < 2*sec || p70 < sec || p70 >= 2*sec {
		t.Fatalf("latencies: %d recorded, p70 %d µs, max %d µs: want 7, p70 1 s, max 2 s", total, p70, tl.hist.Max())
	}
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
	tl.settle()
	if got := time.Duration(tl.hist.Max()) * time.Microsecond; tl.delivered.Load() != 1 || got < 2*time.Second {
		t.Fatalf("delivered %d, latency %v: want 1 record at ≥ 2 s (from the given hand-over time)", tl.delivered.Load(), got)
	}
}

// BenchmarkTryEmit is the contender's own cost per record (the result callback, the tally),
// around a producer that accepts and resolves at once (100 records to an aggregate) or refuses
// as full. The hand-over time is read once per 16 records, as the generator does
// (workload.TimedTrySink).
func BenchmarkTryEmit(b *testing.B) {
	r := workload.Record{PartitionKey: "key-1234", Data: make([]byte, 100)}
	for _, c := range []struct {
		name string
		err  error
	}{{"accepted", nil}, {"full", producer.ErrBufferFull}} {
		b.Run(c.name, func(b *testing.B) {
			p, t := &stubPutter{err: c.err, perAggregate: 100}, newTally()
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
