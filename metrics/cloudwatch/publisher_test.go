package cloudwatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/producer"
)

// The counters every KPL publication carries, as deltas.
var kplCounters = []string{"UserRecordsReceived", "UserRecordsPut", "UserRecordsDataPut",
	"KinesisRecordsPut", "KinesisRecordsDataPut", "UserRecordExpired", "AllErrors"}

func (e *testEnv) producer(t *testing.T) *producer.Producer {
	t.Helper()
	p, err := producer.New(e.ctx, e.kin, producer.Config{StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(e.ctx) })
	return p
}

func (e *testEnv) send(t *testing.T, p *producer.Producer, n int) {
	t.Helper()
	for i := range n {
		if err := p.Put(e.ctx, producer.Record{PartitionKey: fmt.Sprintf("k%d", i), Data: make([]byte, 40+i%7)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// idleStats is the producer's snapshot once it is idle: taken twice, the same.
func idleStats(t *testing.T, p *producer.Producer) producer.Stats {
	t.Helper()
	a := p.Stats()
	if b := p.Stats(); !sameCounters(a, b) {
		t.Fatal("the producer is not idle")
	}
	return a
}

func sameCounters(a, b producer.Stats) bool {
	ka, kb := a.KPLMetrics(), b.KPLMetrics()
	for _, n := range kplCounters {
		if ka[n] != kb[n] {
			return false
		}
	}
	return true
}

// What the publisher uploads reads back from CloudWatch (the emulator) as the deltas of the
// producer's KPL metrics between publications, at every granularity level, per shard too.
func TestPublisherDatumsReadBackAsKPLDeltas(t *testing.T) {
	e := newEnv(t, 2)
	prod := e.producer(t)
	before := idleStats(t, prod)
	pub, err := NewPublisher(e.cw, prod, PublisherConfig{Enabled: true, StreamName: "s", Granularity: PublisherShard,
		StorageResolution: 1, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ns := DefaultPublisherNamespace

	check := func(from, to producer.Stats, at time.Time) {
		t.Helper()
		want, prev := to.KPLMetrics(), from.KPLMetrics()
		for _, n := range kplCounters {
			delta := want[n] - prev[n]
			for _, dims := range [][]string{nil, {"StreamName", "s"}} {
				got, ok := readBack(t, e.cw, ns, n, "Sum", at, time.Second, dims...)
				if !ok || got != delta {
					t.Errorf("%s %v at %v: read back %v (found %v), want the delta %v", n, dims, at, got, ok, delta)
				}
			}
		}
		wantRatio := (want["UserRecordsPut"] - prev["UserRecordsPut"]) / (want["KinesisRecordsPut"] - prev["KinesisRecordsPut"])
		if got, _ := readBack(t, e.cw, ns, "User Records per Kinesis Record", "Average", at, time.Second); !cwNear(got, wantRatio) {
			t.Errorf("User Records per Kinesis Record over the interval = %v, want %v", got, wantRatio)
		}
		for i, sh := range to.Shards {
			var old producer.ShardStats
			if i < len(from.Shards) {
				old = from.Shards[i]
			}
			got, ok := readBack(t, e.cw, ns, "UserRecordsPut", "Sum", at, time.Second, "StreamName", "s", "ShardId", sh.ShardID)
			if want := float64(sh.UserRecordsPut - old.UserRecordsPut); !ok || got != want {
				t.Errorf("%s UserRecordsPut = %v (found %v), want %v", sh.ShardID, got, ok, want)
			}
		}
	}

	e.send(t, prod, 300)
	first := idleStats(t, prod)
	at1 := e.clock.Now()
	if err := pub.Publish(e.ctx); err != nil {
		t.Fatal(err)
	}
	check(before, first, at1)

	e.clock.Advance(time.Minute)
	e.send(t, prod, 120)
	second := idleStats(t, prod)
	at2 := e.clock.Now()
	if err := pub.Publish(e.ctx); err != nil {
		t.Fatal(err)
	}
	check(first, second, at2)

	tot := pub.Totals()
	if st := pub.State(); st.Status != OK || tot.Calls != 2 || tot.Pending != 0 || tot.Dropped != 0 {
		t.Errorf("state %+v totals %+v", st, tot)
	}
}

// A source whose figures the test sets: many shards, some errors.
type fakeSource struct {
	mu sync.Mutex
	st producer.Stats
}

func (f *fakeSource) Stats() producer.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeSource) set(shards int, perShard int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st = producer.Stats{Stream: producer.StreamStats{
		UserRecordsPut: perShard * int64(shards), KinesisRecordsPut: perShard * int64(shards),
		ErrorsByCode: map[string]int64{"ProvisionedThroughputExceededException": int64(shards)}}}
	for i := range shards {
		f.st.Shards = append(f.st.Shards, producer.ShardStats{ShardID: fmt.Sprintf("shardId-%012d", i),
			UserRecordsPut: perShard, KinesisRecordsPut: perShard, UserBytesPut: 100 * perShard,
			ErrorsByCode: map[string]int64{"ProvisionedThroughputExceededException": 1}})
	}
}

// More than 1000 datums go in several PutMetricData calls of at most 1000, and all arrive.
func TestPublisherSplitsOver1000Datums(t *testing.T) {
	e := newEnv(t, 1)
	src := &fakeSource{}
	src.set(0, 0)
	cw := &countingClient{Client: e.cw}
	pub, err := NewPublisher(cw, src, PublisherConfig{Enabled: true, StreamName: "s", Granularity: PublisherShard,
		StorageResolution: 1, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	src.set(250, 7) // 250 shards × 8 datums, plus the stream-wide ones
	if err := pub.Publish(e.ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range cw.datums {
		total += n
	}
	if cw.puts != 3 || slices.Max(cw.datums) > 1000 || total <= 2000 {
		t.Errorf("%d calls carrying %v datums: want 3 calls of at most 1000, over 2000 in all", cw.puts, cw.datums)
	}
	if tot := pub.Totals(); tot.Published != int64(total) || tot.Calls != 3 {
		t.Errorf("totals %+v, calls carried %d", tot, total)
	}
	for _, id := range []string{"shardId-000000000000", "shardId-000000000249"} {
		if got, _ := readBack(t, e.cw, DefaultPublisherNamespace, "UserRecordsPut", "Sum", e.clock.Now(), time.Second,
			"StreamName", "s", "ShardId", id); got != 7 {
			t.Errorf("%s UserRecordsPut read back %v, want 7", id, got)
		}
		if got, _ := readBack(t, e.cw, DefaultPublisherNamespace, "ErrorsByCode", "Sum", e.clock.Now(), time.Second,
			"StreamName", "s", "ShardId", id, "ErrorCode", "ProvisionedThroughputExceededException"); got != 1 {
			t.Errorf("%s ErrorsByCode read back %v, want 1", id, got)
		}
	}
}

// CloudWatch refusing access is AccessDenied with its message, and the datums wait for it to
// be fixed; nothing listening is Unavailable.
func TestPublisherErrorsBecomeStates(t *testing.T) {
	leakCheck(t)
	src := &fakeSource{}
	src.set(2, 0)
	msg := "User: arn:aws:iam::123456789012:user/loadtest is not authorized to perform: cloudwatch:PutMetricData"
	stub := errorServer(t, 403, "com.amazon.coral.service#AccessDeniedException", "AccessDenied", msg)
	pub, err := NewPublisher(sdktest.CloudWatch(stub.URL, 0, nil), src, PublisherConfig{Enabled: true, StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	src.set(2, 5)
	if pub.Publish(t.Context()) == nil {
		t.Fatal("Publish succeeded against AccessDenied")
	}
	st, tot := pub.State(), pub.Totals()
	if st.Status != AccessDenied || st.Code != "AccessDenied" || !strings.Contains(st.Err, msg) {
		t.Errorf("state %+v, want AccessDenied with the message", st)
	}
	if tot.Pending == 0 || tot.Dropped != 0 || tot.Published != 0 {
		t.Errorf("totals %+v: denied datums should wait for the fix", tot)
	}

	down, err := NewPublisher(sdktest.CloudWatch(closedURL(t), 1, nil), src, PublisherConfig{Enabled: true, StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	src.set(2, 9)
	if down.Publish(t.Context()) == nil {
		t.Fatal("Publish succeeded against a closed port")
	}
	if st := down.State(); st.Status != Unavailable || !strings.Contains(st.Err, "connection refused") {
		t.Errorf("state %+v, want Unavailable", st)
	}

	// A batch CloudWatch refuses as invalid would be refused forever: dropped and counted.
	invalid := writerFunc(func() error {
		return &smithy.GenericAPIError{Code: "InvalidParameterValue", Message: "bad datum", Fault: smithy.FaultClient}
	})
	bad, err := NewPublisher(invalid, src, PublisherConfig{Enabled: true, StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	src.set(2, 12)
	if bad.Publish(t.Context()) == nil {
		t.Fatal("Publish hid the refusal")
	}
	if st, tot := bad.State(), bad.Totals(); st.Code != "InvalidParameterValue" || !strings.Contains(st.Err, "dropped") ||
		tot.Dropped == 0 || tot.Pending != 0 {
		t.Errorf("state %+v totals %+v: want the batch dropped and said so", st, tot)
	}
}

type writerFunc func() error

func (f writerFunc) PutMetricData(context.Context, *cwsdk.PutMetricDataInput, ...func(*cwsdk.Options)) (*cwsdk.PutMetricDataOutput, error) {
	return nil, f()
}

// Datums a failed publication could not deliver go out with the next one, once: the values
// read back are the deltas, not twice them and not lost.
func TestPublisherRetriesPendingOnce(t *testing.T) {
	e := newEnv(t, 1)
	src := &fakeSource{}
	src.set(1, 0)
	cw := &countingClient{Client: e.cw}
	pub, err := NewPublisher(cw, src, PublisherConfig{Enabled: true, StreamName: "s", StorageResolution: 1, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	src.set(1, 10)
	at1 := e.clock.Now()
	cw.failWith(&smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded", Fault: smithy.FaultClient})
	if pub.Publish(e.ctx) == nil {
		t.Fatal("want the injected throttle")
	}
	if st := pub.State(); st.Status != Unavailable || st.Code != "Throttling" || pub.Totals().Pending == 0 {
		t.Fatalf("state %+v totals %+v", st, pub.Totals())
	}
	cw.failWith(nil)
	e.clock.Advance(time.Minute)
	src.set(1, 25)
	at2 := e.clock.Now()
	if err := pub.Publish(e.ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Time
		want float64
	}{{at1, 10}, {at2, 15}} {
		if got, _ := readBack(t, e.cw, DefaultPublisherNamespace, "UserRecordsPut", "Sum", c.at, time.Second); got != c.want {
			t.Errorf("UserRecordsPut at %v = %v, want %v", c.at, got, c.want)
		}
	}
	if st, tot := pub.State(), pub.Totals(); st.Status != OK || tot.Pending != 0 || tot.Dropped != 0 {
		t.Errorf("state %+v totals %+v", st, tot)
	}
}

// Off by default: the zero config publishes nothing and starts nothing.
func TestPublisherDisabledByDefault(t *testing.T) {
	e := newEnv(t, 1)
	cw := &countingClient{Client: e.cw}
	src := &fakeSource{}
	src.set(1, 3)
	pub, err := NewPublisher(cw, src, PublisherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(e.ctx); err != nil {
		t.Fatal(err)
	}
	pub.Stop()
	if cw.puts != 0 || pub.State().Status != Disabled {
		t.Errorf("%d calls, state %v: want none, Disabled", cw.puts, pub.State().Status)
	}
}

// Background publishing runs every Interval until Stop, which leaves no goroutine.
func TestPublisherStartStop(t *testing.T) {
	e := newEnv(t, 1)
	src := &fakeSource{}
	src.set(1, 1)
	pub, err := NewPublisher(e.cw, src, PublisherConfig{Enabled: true, StreamName: "s", Interval: 5 * time.Millisecond, StorageResolution: 1, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two publications", func() bool { return pub.Totals().Calls >= 2 })
	pub.Stop()
	if st := pub.State(); st.Status != OK {
		t.Errorf("state %+v", st)
	}
}
