package producer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/producer"
)

func newProducer(t *testing.T, client producer.KinesisAPI, cfg producer.Config) *producer.Producer {
	t.Helper()
	if cfg.StreamName == "" {
		cfg.StreamName = "s"
	}
	p, err := producer.New(context.Background(), client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// collect gathers results; wait blocks until n have arrived.
type collect struct {
	mu  sync.Mutex
	got []producer.Result
}

func (c *collect) cb(r producer.Result) { c.mu.Lock(); c.got = append(c.got, r); c.mu.Unlock() }

func (c *collect) wait(t *testing.T, n int, d time.Duration) []producer.Result {
	t.Helper()
	eventually.Nil(t, d, fmt.Sprintf("%d records to resolve", n), func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.got) < n {
			return fmt.Errorf("%d of %d resolved", len(c.got), n)
		}
		return nil
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]producer.Result(nil), c.got...)
}

func TestPutRefusesInvalidRecords(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	p := newProducer(t, client, producer.Config{})
	var c collect
	for _, tc := range []struct {
		rec  producer.Record
		want string
	}{
		{producer.Record{PartitionKey: ""}, "empty partition key"},
		{producer.Record{PartitionKey: strings.Repeat("k", 257)}, "257 characters"},
		{producer.Record{PartitionKey: strings.Repeat("é", 200)}, ""}, // 400 bytes but 200 characters, no data: valid
		{producer.Record{PartitionKey: strings.Repeat("é", 257)}, "257 characters"},
		{producer.Record{PartitionKey: "k", ExplicitHashKey: "-1"}, `explicit hash key "-1"`},
		{producer.Record{PartitionKey: "k", ExplicitHashKey: "340282366920938463463374607431768211456"}, "not a decimal in [0, 2^128-1]"},
		{producer.Record{PartitionKey: "k", Data: make([]byte, 1<<20)}, "over the stream's maximum record size of 1048576 bytes"},
	} {
		err := p.TryPut(tc.rec, c.cb)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%.20q: %v", tc.rec.PartitionKey, err)
			}
			continue
		}
		if !errors.Is(err, producer.ErrInvalidRecord) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.20q: want ErrInvalidRecord naming %q, got %v", tc.rec.PartitionKey, tc.want, err)
		}
	}
	if r := c.wait(t, 1, 5*time.Second)[0]; r.Err != nil {
		t.Fatalf("the valid record failed: %v", r.Err)
	}
}

func TestConfigValidationReportsEveryField(t *testing.T) {
	err := producer.Config{RateLimit: -1, MaxConnections: 5000, CollectionMaxCount: 501, RecordTtl: -time.Second}.Validate()
	for _, field := range []string{"StreamName", "RateLimit", "MaxConnections", "CollectionMaxCount", "RecordTtl"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("error does not name %s: %v", field, err)
		}
	}
	_, client := startEmulator(t, emulator.Config{})
	if _, err := producer.New(context.Background(), client, producer.Config{StreamName: "missing"}); err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Fatalf("New on a missing stream: %v", err)
	}
}

// A KMS denial cannot be fixed by retrying: the records fail at once with the service's code
// and message, not after RecordTtl.
func TestKMSDeniedFailsFastWithTheReason(t *testing.T) {
	srv, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 2}}})
	if _, err := client.StartStreamEncryption(context.Background(), &kinesis.StartStreamEncryptionInput{StreamName: aws.String("s"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/app")}); err != nil {
		t.Fatal(err)
	}
	srv.Emulator.SetFaults(emulator.Faults{KMSAccessDenied: true})
	p := newProducer(t, client, producer.Config{})
	var c collect
	for range 10 {
		if err := p.Put(context.Background(), producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range c.wait(t, 10, 5*time.Second) {
		var re *producer.RecordError
		if !errors.Is(r.Err, producer.ErrNonRetryable) || !errors.As(r.Err, &re) || re.Code != "KMSAccessDeniedException" || !strings.Contains(re.Message, "kms:GenerateDataKey") {
			t.Fatalf("want ErrNonRetryable KMSAccessDeniedException, got %v", r.Err)
		}
		if len(r.Attempts) != 1 {
			t.Fatalf("%d attempts for a non-retryable error", len(r.Attempts))
		}
	}
}

// On a shard that cannot take the load, records retry until RecordTtl and then fail with
// ErrExpired, carrying the attempts that throttled.
func TestRecordsExpireAfterTTL(t *testing.T) {
	srv, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}},
		Limits: emulator.Limits{ShardRecordsPerSec: 1, ShardRecordsBurst: 1}})
	p := newProducer(t, client, producer.Config{RecordTtl: 600 * time.Millisecond, DisableAggregation: true, DisableAdaptive: true})
	var c collect
	for range 50 {
		p.Put(context.Background(), producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb)
	}
	var expired, ok int
	for _, r := range c.wait(t, 50, 10*time.Second) {
		switch {
		case r.Err == nil:
			ok++
		case errors.Is(r.Err, producer.ErrExpired):
			expired++
			if len(r.Attempts) == 0 && !strings.Contains(r.Err.Error(), "") {
				t.Fatal("expired without attempts")
			}
		default:
			t.Fatalf("unexpected %v", r.Err)
		}
	}
	if expired == 0 || ok == 0 || ok > 5 {
		t.Fatalf("%d ok, %d expired: want a few through (1 record/s) and the rest expired", ok, expired)
	}
	st := p.Stats()
	if st.Stream.Expired != int64(expired) || st.Stream.UserRecordsPending != 0 {
		t.Fatalf("stats: %+v", st.Stream)
	}
	// The producer's throttle counts agree with the service's.
	emu, _ := srv.Emulator.StreamStats("s")
	if sh := st.Shards[0]; sh.Throttles != emu.Total.ThrottledRecords || sh.ThrottledBytes != emu.Total.ThrottledBytes || sh.ThrottledBytes == 0 {
		t.Fatalf("producer counts %d throttled records (%d bytes), the emulator %d (%d bytes)",
			sh.Throttles, sh.ThrottledBytes, emu.Total.ThrottledRecords, emu.Total.ThrottledBytes)
	}
}

func TestFailIfThrottled(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}},
		Limits: emulator.Limits{ShardRecordsPerSec: 5, ShardRecordsBurst: 5}})
	p := newProducer(t, client, producer.Config{FailIfThrottled: true, DisableAggregation: true})
	var c collect
	for range 40 {
		p.Put(context.Background(), producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb)
	}
	var throttled int
	for _, r := range c.wait(t, 40, 10*time.Second) {
		if errors.Is(r.Err, producer.ErrThrottled) {
			throttled++
			var re *producer.RecordError
			if !errors.As(r.Err, &re) || re.Code != "ProvisionedThroughputExceededException" {
				t.Fatalf("throttled record: %v", r.Err)
			}
		}
	}
	if throttled == 0 {
		t.Fatal("no record failed as throttled")
	}
}

// Backpressure: with the service slow, the buffer fills to its bound and no further; TryPut
// fails at once, Put waits and gives up with its context.
func TestBackpressureBoundsTheBuffer(t *testing.T) {
	lat, _ := emulator.ParseLatency("300ms")
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}, Faults: emulator.Faults{Latency: lat}})
	p := newProducer(t, client, producer.Config{MaxBufferedRecords: 100, MaxConnections: 1})
	var c collect
	for i := range 100 {
		if err := p.TryPut(producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if err := p.TryPut(producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb); !errors.Is(err, producer.ErrBufferFull) {
		t.Fatalf("TryPut on a full buffer: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Put(ctx, producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Put on a full buffer: %v", err)
	}
	if n := p.Stats().Stream.UserRecordsPending; n != 100 {
		t.Fatalf("%d pending, want the bound 100", n)
	}
	// A blocked Put proceeds once space frees.
	if err := p.Put(context.Background(), producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb); err != nil {
		t.Fatal(err)
	}
	c.wait(t, 101, 10*time.Second)
}

// Close with a deadline that cannot be met abandons the rest: every record still resolves,
// with ErrClosed, Close says why, and Put refuses new records.
func TestCloseResolvesEverythingEvenWhenItGivesUp(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}},
		Limits: emulator.Limits{ShardRecordsPerSec: 10, ShardRecordsBurst: 10}})
	p, err := producer.New(context.Background(), client, producer.Config{StreamName: "s", DisableAggregation: true})
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	for range 500 {
		p.Put(context.Background(), producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := p.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close: %v", err)
	}
	got := c.wait(t, 500, time.Second)
	var closed int
	for _, r := range got {
		if errors.Is(r.Err, producer.ErrClosed) {
			closed++
		}
	}
	if closed == 0 || len(got) != 500 {
		t.Fatalf("%d resolved, %d with ErrClosed", len(got), closed)
	}
	if err := p.TryPut(producer.Record{PartitionKey: "k"}, nil); !errors.Is(err, producer.ErrClosed) {
		t.Fatalf("Put after Close: %v", err)
	}
}

// Live reconfiguration under load: every knob changes while records flow, none is lost, and
// Stats reports the new values.
// On virtual time, each setting carries the load for 150 ms of the bubble's clock.
func TestReconfigureUnderLoad(t *testing.T) { synctest.Test(t, testReconfigureUnderLoad) }

func testReconfigureUnderLoad(t *testing.T) {
	_, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 4}}})
	p := newProducer(t, client, producer.Config{MaxBufferedRecords: 5000})
	var resolved, failed atomic.Int64
	cb := func(r producer.Result) {
		resolved.Add(1)
		if r.Err != nil {
			failed.Add(1)
		}
	}
	stop := make(chan struct{})
	var put atomic.Int64
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if p.Put(context.Background(), producer.Record{PartitionKey: string(rune('a' + i%26)), Data: make([]byte, 200)}, cb) == nil {
				put.Add(1)
			}
		}
	}()
	changes := []func(*producer.Config){
		func(c *producer.Config) { c.RateLimit = 50 },
		func(c *producer.Config) { c.DisableAggregation = true },
		func(c *producer.Config) { c.MaxConnections = 2 },
		func(c *producer.Config) { c.FailIfThrottled = true },
		func(c *producer.Config) { c.DisableAdaptive = true },
		func(c *producer.Config) { c.RecordMaxBufferedTime = 20 * time.Millisecond },
		func(c *producer.Config) {
			c.DisableAggregation, c.FailIfThrottled, c.RateLimit = false, false, 150
		},
	}
	for _, change := range changes {
		time.Sleep(150 * time.Millisecond) // load under the previous setting, on virtual time
		if err := p.Reconfigure(change); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Reconfigure(func(c *producer.Config) { c.MaxConnections = -1 }); err == nil {
		t.Fatal("Reconfigure accepted MaxConnections -1")
	}
	close(stop)
	if err := p.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if resolved.Load() != put.Load() {
		t.Fatalf("%d put, %d resolved", put.Load(), resolved.Load())
	}
	st := p.Stats()
	if st.Stream.MaxConnections != 2 || st.Stream.AdaptiveEnabled || !st.Stream.AggregationEnabled || st.Stream.RateLimit != 150 {
		t.Fatalf("stats do not show the configuration: %+v", st.Stream)
	}
}

// Stats lists shards in hash key order (decimal keys of different lengths must not sort as text).
func TestStatsShardsInHashKeyOrder(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 11}}})
	p := newProducer(t, client, producer.Config{})
	st := p.Stats()
	if len(st.Shards) != 11 {
		t.Fatalf("%d shards", len(st.Shards))
	}
	for i := 1; i < len(st.Shards); i++ {
		a, b := md5Big(""), md5Big("")
		a.SetString(st.Shards[i-1].StartingHashKey, 10)
		b.SetString(st.Shards[i].StartingHashKey, 10)
		if a.Cmp(b) >= 0 {
			t.Fatalf("shard %d starts at %s, after shard %d at %s", i-1, a, i, b)
		}
	}
}

func TestStatsDeriveKPLMetrics(t *testing.T) {
	_, client := startEmulator(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 2}}})
	p := newProducer(t, client, producer.Config{})
	for i := range 1000 {
		p.Put(context.Background(), producer.Record{PartitionKey: string(rune('a' + i%26)), Data: make([]byte, 100)}, nil)
	}
	p.Flush(context.Background())
	m := p.Stats().KPLMetrics()
	for _, name := range []string{"UserRecordsReceived", "UserRecordsPending", "UserRecordsPut", "UserRecordsDataPut", "KinesisRecordsPut",
		"KinesisRecordsDataPut", "AllErrors", "RetriesPerRecord", "UserRecordExpired", "BufferingTime", "RequestTime",
		"UserRecordsPerKinesisRecord", "KinesisRecordsPerPutRecordsRequest", "UserRecordsPerPutRecordsRequest"} {
		if _, ok := m[name]; !ok {
			t.Errorf("KPL metric %s missing", name)
		}
	}
	if m["UserRecordsPut"] != 1000 || m["UserRecordsDataPut"] != 1000*101 || m["UserRecordsPerKinesisRecord"] <= 1 || m["RequestTime"] <= 0 {
		t.Fatalf("KPL metrics %v", m)
	}
	st := p.Stats()
	var perShard int64
	for _, s := range st.Shards {
		perShard += s.UserRecordsPut
		if s.RecordCapacity != 1500 || s.ByteCapacity != 1.5*(1<<20) {
			t.Fatalf("shard %s buckets %v/%v, want 150%% of the limits", s.ShardID, s.RecordCapacity, s.ByteCapacity)
		}
	}
	if perShard != 1000 || st.Stream.EndToEndTime.TotalCount() != 1000 {
		t.Fatalf("per-shard %d, e2e histogram %d", perShard, st.Stream.EndToEndTime.TotalCount())
	}
	// Every record waited once before its one request, and every request was timed.
	if st.Stream.BufferingTime.TotalCount() != 1000 || st.Stream.RequestTime.TotalCount() != st.Stream.Requests {
		t.Fatalf("buffering histogram %d (want 1000), request histogram %d for %d requests",
			st.Stream.BufferingTime.TotalCount(), st.Stream.RequestTime.TotalCount(), st.Stream.Requests)
	}
}

// Close giving up while a request is in flight says which records the service may have stored:
// those of the abandoned request (MaybeStored), not those that never left the producer.
// On virtual time: the 5 s answer and Close's 500 ms cost no wall-clock time.
func TestCloseMarksRecordsOfAnAbandonedRequestMaybeStored(t *testing.T) {
	synctest.Test(t, testCloseMarksRecordsOfAnAbandonedRequestMaybeStored)
}

func testCloseMarksRecordsOfAnAbandonedRequestMaybeStored(t *testing.T) {
	emu, client := startInProcess(t, emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
	p, err := producer.New(context.Background(), client, producer.Config{StreamName: "s", DisableAggregation: true,
		MaxConnections: 1, CollectionMaxCount: 10})
	if err != nil {
		t.Fatal(err)
	}
	// From now on the service takes 5 s to answer: the first request is still in flight when
	// Close gives up.
	if err := emu.SetFaults(emulator.Faults{Latency: emulator.Latency{Kind: emulator.LatencyFixed, Base: 5 * time.Second}}); err != nil {
		t.Fatal(err)
	}
	var c collect
	for range 50 {
		if err := p.Put(context.Background(), producer.Record{PartitionKey: "k", Data: []byte("x")}, c.cb); err != nil {
			t.Fatal(err)
		}
	}
	eventually.True(t, 10*time.Second, "a request in flight", func() bool { return p.Stats().Stream.RequestsInFlight > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := p.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close: %v", err)
	}
	maybe, unsent := 0, 0
	for _, r := range c.wait(t, 50, time.Second) {
		var re *producer.RecordError
		if !errors.As(r.Err, &re) || !errors.Is(r.Err, producer.ErrClosed) {
			t.Fatalf("record resolved with %v, want ErrClosed", r.Err)
		}
		switch {
		case re.MaybeStored && r.Outcome() == producer.MaybeStored:
			maybe++
		case !re.MaybeStored && r.Outcome() == producer.NeverSent:
			unsent++
		default:
			t.Fatalf("MaybeStored %v with outcome %v", re.MaybeStored, r.Outcome())
		}
	}
	if maybe != 10 || unsent != 40 {
		t.Fatalf("%d records marked maybe stored and %d not; want the 10 of the request in flight and the 40 never sent", maybe, unsent)
	}
	if st := p.Stats().Stream; st.FailedMaybeStored != 10 || st.FailedNeverSent != 40 || st.FailedNotStored != 0 {
		t.Fatalf("stats: maybe stored %d, never sent %d, not stored %d", st.FailedMaybeStored, st.FailedNeverSent, st.FailedNotStored)
	}
}
