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

// putAll puts n records and waits until every one has resolved, returning their errors' codes.
func putAll(t *testing.T, p *producer.Producer, n int) []string {
	t.Helper()
	codes := make(chan string, n)
	for i := range n {
		err := p.Put(context.Background(), producer.Record{PartitionKey: fmt.Sprint("k", i), Data: []byte("x")}, func(r producer.Result) {
			code := ""
			if re, ok := r.Err.(*producer.RecordError); ok {
				code = re.Code
			}
			codes <- code
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = <-codes
	}
	return out
}

// A request that outlives RequestTimeout is a timeout, named "Timeout" in the errors by code and
// on the records: it showed as "HTTP0", a status code no server sent. Virtual time.
func TestTimeoutsAreNamedAsSuch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
		p, err := producer.New(context.Background(), client, producer.Config{StreamName: "s", RequestTimeout: 100 * time.Millisecond, RecordTtl: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close(context.Background())
		if err := emu.SetFaults(emulator.Faults{Latency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 5 * time.Second}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range putAll(t, p, 20) {
			if c != "Timeout" && c != "" {
				t.Errorf("a record that timed out failed with code %q", c)
			}
		}
		byCode := p.Stats().Stream.ErrorsByCode
		if byCode["Timeout"] == 0 || byCode["HTTP0"] != 0 {
			t.Errorf("errors by code %v: want Timeout, no HTTP0", byCode)
		}
		emu.SetFaults(emulator.Faults{}) // let the emulator's sleeping handlers end
	})
}

// A server that is gone (connection refused) is a connection error, named "ConnectionError": it
// showed as "HTTP0".
func TestConnectionErrorsAreNamedAsSuch(t *testing.T) {
	srv, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	p, err := producer.New(context.Background(), client, producer.Config{StreamName: "s", RecordTtl: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	srv.Close()
	for _, c := range putAll(t, p, 20) {
		if c != "ConnectionError" {
			t.Errorf("a record sent to a closed server failed with code %q", c)
		}
	}
	if byCode := p.Stats().Stream.ErrorsByCode; byCode["ConnectionError"] == 0 || byCode["HTTP0"] != 0 {
		t.Errorf("errors by code %v: want ConnectionError, no HTTP0", byCode)
	}
}
