package producer_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
)

// slowService is a real SDK client whose PutRecords answers come after delay (a slow service or
// a long way to it), and which notes the most bytes (data + partition keys, as the producer's
// CollectionMaxSize counts them) that its requests in flight carried at once.
type slowService struct {
	*kinesis.Client
	delay time.Duration

	mu             sync.Mutex
	inFlight, peak int
}

func (s *slowService) PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	n := 0
	for _, e := range in.Records {
		n += len(e.Data) + len(*e.PartitionKey)
	}
	s.mu.Lock()
	s.inFlight += n
	s.peak = max(s.peak, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight -= n
		s.mu.Unlock()
	}()
	time.Sleep(s.delay) // on the bubble's clock
	return s.Client.PutRecords(ctx, in, optFns...)
}

func (s *slowService) peakBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// putAndFlush puts records of size data bytes each under keys k0..k999, flushes, and fails the
// test unless every one was stored.
func putAndFlush(t *testing.T, p *producer.Producer, records, size int) {
	t.Helper()
	var ok, failed atomic.Int64
	done := func(r producer.Result) {
		if r.Err != nil {
			failed.Add(1)
			return
		}
		ok.Add(1)
	}
	for i := range records {
		if err := p.Put(context.Background(), producer.Record{PartitionKey: fmt.Sprintf("k%d", i%1000), Data: make([]byte, size)}, done); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // virtual: a hang ends the test
	defer cancel()
	if err := p.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v (%d stored, %d failed of %d)", err, ok.Load(), failed.Load(), records)
	}
	if ok.Load() != int64(records) {
		t.Fatalf("%d of %d records stored, %d failed", ok.Load(), records, failed.Load())
	}
}

// A backlog sent to a service slow to answer: 24 connections would carry it all at once (each
// request also held as its encoding and its body), MaxRequestBytesInFlight holds the bytes in
// flight to its bound, and every record is still stored. The same backlog without the bound
// (a large one) shows the load would have gone past it.
func TestRequestBytesInFlightStayWithinTheirBound(t *testing.T) {
	const bound = 2 << 20
	peak := func(t *testing.T, maxInFlight int64) int {
		var got int
		synctest.Test(t, func(t *testing.T) {
			// 16 shards at the producer's 150 %: 24 MiB/s released, 12 MiB per half-second answer.
			_, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 16}}})
			svc := &slowService{Client: client, delay: 500 * time.Millisecond}
			p := newProducer(t, svc, producer.Config{MaxRequestBytesInFlight: maxInFlight})
			putAndFlush(t, p, 16<<10, 1000) // 16 MiB
			got = svc.peakBytes()
		})
		return got
	}
	if got := peak(t, bound); got > bound {
		t.Errorf("requests in flight carried %d bytes at once, over MaxRequestBytesInFlight %d", got, bound)
	} else if got < bound/2 {
		t.Errorf("requests in flight carried at most %d bytes: the load never came near the bound %d", got, bound)
	}
	if got := peak(t, 1<<30); got <= bound {
		t.Errorf("without the bound, requests in flight carried at most %d bytes: the test shows nothing", got)
	}
}

// A record larger than MaxRequestBytesInFlight is sent alone, when nothing else is in flight,
// instead of waiting forever; the records around it still go.
func TestARequestLargerThanTheInFlightBoundGoesAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 4}}})
		svc := &slowService{Client: client, delay: 100 * time.Millisecond}
		const bound, large = 64 << 10, 300 << 10
		p := newProducer(t, svc, producer.Config{MaxRequestBytesInFlight: bound})
		putAndFlush(t, p, 200, 1000) // small records, sent within the bound
		if err := p.Put(context.Background(), producer.Record{PartitionKey: "large", Data: make([]byte, large)}, nil); err != nil {
			t.Fatal(err)
		}
		putAndFlush(t, p, 200, 1000) // behind it, and after it
		// The large record's request: its data and key, and an aggregate's few bytes of framing.
		if got := svc.peakBytes(); got > large+1024 {
			t.Errorf("requests in flight carried %d bytes at once: the %d-byte record did not go alone, or small ones passed the %d bound",
				got, large, bound)
		} else if got < large {
			t.Errorf("requests in flight carried at most %d bytes: the %d-byte record was not sent", got, large)
		}
	})
}
