package fleet_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/producer/fleet"
)

// benchFleet is 5,000 PutRecords clients (batches of 50, 100 ms interval) writing to an
// in-process emulator whose shards do not throttle: the figures are the fleet's own cost plus
// the SDK's and the emulator's (one process).
func benchFleet(b *testing.B, retain int) (*fleet.Fleet, *emulator.Emulator) {
	e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 8}},
		RetainRecordsPerShard: retain,
		Limits:                emulator.Limits{ShardBytesPerSec: 1 << 32, ShardRecordsPerSec: 1 << 32}})
	if err != nil {
		b.Fatal(err)
	}
	kin := sdktest.Kinesis("http://emulator.in-process", 0, emulator.InMemTransport{Handler: e})
	cfg := baseConfig(5000)
	cfg.Interval = 100 * time.Millisecond
	cfg.Buffer = 100
	f, err := fleet.New(context.Background(), kin, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return f, e
}

// BenchmarkFleetRecords puts b.N 100-byte records through 5,000 clients: ns, bytes and
// allocations per record (×1,000 for the figures per 1,000 records).
//
//	go test -run XXX -bench Fleet -benchmem ./producer/fleet
func BenchmarkFleetRecords(b *testing.B) {
	f, _ := benchFleet(b, 1000)
	ctx := context.Background()
	data := make([]byte, 100)
	done := func(producer.Result) {}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := f.Put(ctx, producer.Record{PartitionKey: "k", Data: data}, done); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := f.Stats().Stream; st.UserRecordsPut != st.UserRecordsReceived {
		b.Fatalf("%+v", st)
	}
}

// BenchmarkFleetIdleClient is the heap an idle client costs (no goroutine: a few words).
func BenchmarkFleetIdleClient(b *testing.B) {
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		f, _ := benchFleet(b, 1)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/5000, "heapB/client")
		b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
		if err := f.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
