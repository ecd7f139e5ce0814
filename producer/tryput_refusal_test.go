package producer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// Under overload most TryPuts are refused because the buffer is full; each one is refused
// before its key's MD5 is computed (the cost of a refusal is the refusal, not a record's
// routing) — while an invalid record is still refused as invalid, not as a full buffer.
func TestTryPutOnAFullBufferDoesNotHash(t *testing.T) {
	e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	client := sdktest.Kinesis("http://emulator.in-process", 0, emulator.InMemTransport{Handler: e})
	// Records wait an hour to be batched: the two accepted ones hold the buffer until Close.
	p, err := New(context.Background(), client, Config{StreamName: "s", MaxBufferedRecords: 2, RecordMaxBufferedTime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	md5 := &countingMD5{}
	p.keys = newKeyCacheOf(keyCacheSlots, md5.hash)

	for _, k := range []string{"a", "b"} {
		if err := p.TryPut(Record{PartitionKey: k, Data: []byte("x")}, nil); err != nil {
			t.Fatalf("TryPut %q on an empty buffer: %v", k, err)
		}
	}
	if n := md5.n.Load(); n != 2 {
		t.Fatalf("%d MD5s for two accepted records of new keys, want 2", n)
	}
	md5.n.Store(0)
	for i := range 100 {
		k := strings.Repeat("k", 1+i%40) // keys never seen: each would cost an MD5
		if err := p.TryPut(Record{PartitionKey: k, Data: []byte("x")}, nil); !errors.Is(err, ErrBufferFull) {
			t.Fatalf("TryPut on a full buffer: %v, want ErrBufferFull", err)
		}
	}
	if n := md5.n.Load(); n != 0 {
		t.Fatalf("%d MD5s computed for 100 records refused on a full buffer, want none", n)
	}
	if err := p.TryPut(Record{PartitionKey: "c", ExplicitHashKey: "1", Data: []byte("x")}, nil); !errors.Is(err, ErrBufferFull) {
		t.Fatalf("TryPut with an explicit hash key on a full buffer: %v, want ErrBufferFull", err)
	}
	for _, bad := range []Record{
		{PartitionKey: "", Data: []byte("x")},
		{PartitionKey: strings.Repeat("k", maxPartitionKeyLen+1)},
		{PartitionKey: "k", Data: make([]byte, p.maxRec)},
		{PartitionKey: "k", ExplicitHashKey: "not a number"},
	} {
		if err := p.TryPut(bad, nil); !errors.Is(err, ErrInvalidRecord) || errors.Is(err, ErrBufferFull) {
			t.Fatalf("TryPut of an invalid record (key %.10q, explicit hash key %q) on a full buffer: %v, want ErrInvalidRecord", bad.PartitionKey, bad.ExplicitHashKey, err)
		}
	}
}
