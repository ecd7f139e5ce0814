package emulator

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// entries builds n PutRecords entries of exactly size bytes each, partition key included.
func entries(n, size int, key string) []types.PutRecordsRequestEntry {
	out := make([]types.PutRecordsRequestEntry, n)
	for i := range out {
		out[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(key), Data: make([]byte, size-len(key))}
	}
	return out
}

// offerFor10s offers perStep records of size bytes to a one-shard stream every 125 ms of
// simulated time from t=0 to t=10 s, both ends included, and returns what the responses said
// was accepted. The first offer meets the full initial burst; the last comes after exactly 10 s
// of refill.
func offerFor10s(t *testing.T, env *testEnv, perStep, size int) (acceptedRecords, acceptedBytes, throttled int64) {
	t.Helper()
	const step = 125 * time.Millisecond
	for k := 0; k <= 80; k++ {
		if k > 0 {
			env.clock.Advance(step)
		}
		out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(perStep, size, "k")}))(t)
		for _, r := range out.Records {
			if r.ErrorCode == nil {
				acceptedRecords++
				acceptedBytes += int64(size)
				continue
			}
			throttled++
			want := "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012."
			if *r.ErrorCode != "ProvisionedThroughputExceededException" || *r.ErrorMessage != want {
				t.Fatalf("throttled entry: %s %q, want ProvisionedThroughputExceededException %q", *r.ErrorCode, *r.ErrorMessage, want)
			}
		}
	}
	return
}

func TestWriteLimitBytesExactUnderTwiceTheLimit(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	// 4 KiB records: the bytes bucket binds long before the records bucket (256 records/s).
	// 64 per 125 ms is 2 MiB/s offered, twice the limit.
	recs, bytes, throttled := offerFor10s(t, env, 64, 4096)
	want := int64(mib + 10*mib) // the initial burst plus 10 s at 1 MiB/s, to the byte
	if bytes != want {
		t.Fatalf("accepted %d bytes, want %d (burst 1 MiB + 10 s × 1 MiB/s)", bytes, want)
	}
	if recs+throttled != 81*64 {
		t.Fatalf("accepted %d + throttled %d != offered %d", recs, throttled, 81*64)
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.AcceptedBytes != want || st.Total.ThrottledRecords != throttled {
		t.Fatalf("emulator counters %+v disagree with responses (bytes %d, throttled %d)", st.Total, want, throttled)
	}
}

func TestWriteLimitRecordsExactUnderTwiceTheLimit(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	// 100-byte records at 2000/s (250 per 125 ms): the records bucket binds.
	recs, _, _ := offerFor10s(t, env, 250, 100)
	if want := int64(1000 + 10*1000); recs != want {
		t.Fatalf("accepted %d records, want %d (burst 1000 + 10 s × 1000/s)", recs, want)
	}
}

func TestWriteLimitsConfigurable(t *testing.T) {
	cfg := Config{
		Streams: []StreamSpec{{Name: "s", Shards: 1}},
		Limits:  Limits{ShardRecordsPerSec: 100, ShardRecordsBurst: 50},
	}
	env := newEnv(t, cfg, true)
	recs, _, _ := offerFor10s(t, env, 250, 100)
	if want := int64(50 + 10*100); recs != want {
		t.Fatalf("accepted %d records, want %d (burst 50 + 10 s × 100/s)", recs, want)
	}
}

func TestPutRecordThrottleFailsWholeCall(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(500, 100, "k")}))(t)
	must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(500, 100, "k")}))(t)
	_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "ProvisionedThroughputExceededException")
	if want := "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012."; apiMessage(err) != want {
		t.Fatalf("message %q, want %q", apiMessage(err), want)
	}
	env.clock.Advance(time.Millisecond) // one record's worth of refill
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
}

// A record larger than one second's bytes still fits an idle shard of a stream whose max
// record size allows it: the bucket holds a whole max-size record.
func TestLargeRecordBurstsUpToMaxRecordSize(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1, MaxRecordSizeKiB: 4096}}}, true)
	big := make([]byte, 3*mib)
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: big}))(t)
	_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: big})
	wantCode(t, err, "ProvisionedThroughputExceededException")
	env.clock.Advance(3 * time.Second)
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: big}))(t)
}

// The same accounting in real time over HTTP, with concurrent writers: the limit holds on the
// wall clock too. Only the upper bound is asserted — no scheduling delay can make the emulator
// accept more than burst + rate × elapsed — since how much the writers manage to offer on a busy
// 2-core machine is the machine's throughput, not the emulator's (the manual-clock tests above
// check the exact figures). An emulator that forgot the real clock (a bucket never charged, or
// refilled at each call) accepts the whole 2 MiB/s offered and fails.
func TestWriteLimitRealTime(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, false)
	const duration = 3 * time.Second
	var accepted atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each writer offers 512 KiB/s in 64 KiB requests: 2 MiB/s in all.
			tick := time.NewTicker(125 * time.Millisecond)
			defer tick.Stop()
			for time.Since(start) < duration {
				out, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(16, 4096, fmt.Sprint("k", w))})
				if err != nil {
					t.Error(err)
					return
				}
				accepted.Add(int64(len(out.Records)-int(*out.FailedRecordCount)) * 4096)
				<-tick.C
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	upper := int64(mib) + int64(float64(mib)*elapsed.Seconds())
	if got := accepted.Load(); got > upper {
		t.Fatalf("accepted %d bytes in %v; the limit allows at most %d (1 MiB burst + 1 MiB/s)", got, elapsed, upper)
	}
}

func TestRequestSizeLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int64
		msg   string
	}{{"default 10 MiB", 0, "Records size exceeds 10 MB limit"}, {"before Oct 2025, 5 MiB", 5 * mib, "Records size exceeds 5 MB limit"}} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Limits: Limits{MaxRequestBytes: tc.limit}}, true)
			limit := env.emu.Config().Limits.MaxRequestBytes
			// Records of 1000 bytes + key: just over the limit in total.
			n := int(limit/1000) + 1
			recs := entries(min(n, 500), 1000, "k")
			per := int(limit/int64(len(recs))) + 1
			for i := range recs {
				recs[i].Data = make([]byte, per-1)
			}
			_, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: recs})
			wantCode(t, err, "InvalidArgumentException")
			if apiMessage(err) != tc.msg {
				t.Fatalf("message %q, want %q", apiMessage(err), tc.msg)
			}
			// Trimmed to exactly the limit, the request is taken (its records then meet the
			// shard's own limits, which throttle most of them).
			total := int64(len(recs) * per)
			last := &recs[len(recs)-1]
			last.Data = last.Data[:int64(len(last.Data))-(total-limit)]
			if _, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: recs}); err != nil {
				t.Fatalf("request of exactly the limit refused: %v", err)
			}
		})
	}
}
