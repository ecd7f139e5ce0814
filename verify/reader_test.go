package verify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// The reader against the real emulator (in process, on virtual time): plain records, an
// aggregate stored on a shard that excludes one of its sub-records, a duplicate, a record of
// another producer and one out of order; every shard read to its end.
func TestReaderReadsEveryShardBack(t *testing.T) { synctest.Test(t, testReaderReadsEveryShardBack) }

func testReaderReadsEveryShardBack(t *testing.T) {
	ctx := context.Background()
	e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	kin := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), HTTPClient: emulator.InMemTransport{Handler: e}})
	start := time.Now()
	time.Sleep(time.Minute) // records of an earlier run, before this one's start, are not read
	const run = "0123abcd"
	stamp := func(seq uint64) []byte { d, _ := Stamp(run, seq, []byte("payload")); return d }
	put := func(pk string, ehk *string, data []byte) {
		t.Helper()
		if _, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String(pk), ExplicitHashKey: ehk, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	// seq 0..9 on key "a" in order, but 5 after 6 (an order violation); 3 twice (a duplicate).
	for _, seq := range []uint64{0, 1, 2, 3, 3, 4, 6, 5, 7, 8, 9} {
		put("a", nil, stamp(seq))
	}
	put("other", nil, []byte("not ours"))
	// An aggregate of seq 10 (key in shard 0's range) and 11 (explicit key in shard 1's range),
	// sent to shard 0: the KCL drops the whole aggregate there, 10 included.
	ranges := hashkey.Whole.Even(2)
	var agg kpl.Aggregator
	in0 := keyIn(ranges[0])
	agg.Add(kpl.Record{PartitionKey: in0, Data: stamp(10)})
	agg.Add(kpl.Record{PartitionKey: "x", ExplicitHashKey: ranges[1].Start.String(), Data: stamp(11)})
	put(in0, nil, agg.Encode(nil))
	// An aggregate whose sub-records all lie in its shard is delivered whole: seq 12 twice.
	agg.Reset()
	agg.Add(kpl.Record{PartitionKey: in0, Data: stamp(12)})
	agg.Add(kpl.Record{PartitionKey: in0, Data: stamp(12)})
	put(in0, nil, agg.Encode(nil))
	put("c", nil, stamp(99)) // beyond the 13 records handed out

	r, err := NewReader(ReaderConfig{Client: kin, Stream: "s", RunID: run, Records: 13, Since: start.Add(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	tally, err := r.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for seq, want := range map[uint64][2]int{0: {1, 0}, 3: {2, 0}, 5: {1, 0}, 10: {1, 1}, 11: {1, 1}, 12: {2, 0}} {
		if c, d := tally.Copies(seq); c != want[0] || d != want[1] {
			t.Errorf("seq %d: %d copies (%d dropped by the KCL), want %v", seq, c, d, want)
		}
	}
	var l Ledger
	for range 13 {
		l.Set(l.Next(), Acknowledged, false)
	}
	rep := Check(&l, tally)
	if rep.Missing() != 0 || rep.StoredOnce != 11 || rep.StoredMoreThanOnce != 2 || rep.OrderViolations != 1 ||
		rep.KCLDroppedSubRecords != 2 || rep.KCLDroppedOnly != 2 || rep.Unknown != 1 || rep.Foreign != 1 {
		t.Fatalf("report %+v", rep)
	}
	cost, p := r.Cost(), r.Progress()
	if p.Shards != 2 || p.ShardsDone != 2 || p.Records != 16 || cost.GetRecordsCalls < 2 || cost.Bytes == 0 || cost.Seconds <= 0 {
		t.Fatalf("progress %+v, cost %+v", p, cost)
	}
}

// Records of a shard that closed (a reshard) are read too, from the closed parent and the
// children, and the reader keeps within GetRecords' limits: the emulator throttles none.
func TestReaderReadsClosedShardsWithinLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		e, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		kin := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), HTTPClient: emulator.InMemTransport{Handler: e}})
		const run = "feedf00d"
		var seq uint64
		putBatch := func() {
			var entries []types.PutRecordsRequestEntry
			for range 200 {
				d, _ := Stamp(run, seq, make([]byte, 2000))
				entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprint("k", seq)), Data: d})
				seq++
			}
			out, err := kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries})
			if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
				t.Fatalf("PutRecords: %v", err)
			}
			time.Sleep(time.Second)
		}
		start := time.Now()
		for range 5 {
			putBatch()
		}
		if _, err := kin.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("s"), TargetShardCount: aws.Int32(2),
			ScalingType: types.ScalingTypeUniformScaling}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		for range 5 {
			putBatch()
		}
		r, err := NewReader(ReaderConfig{Client: kin, Stream: "s", RunID: run, Records: seq, Since: start, BytesPerShardPerSec: 100 << 10})
		if err != nil {
			t.Fatal(err)
		}
		tally, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var l Ledger
		for range seq {
			l.Set(l.Next(), Acknowledged, false)
		}
		if rep := Check(&l, tally); rep.Missing() != 0 || rep.StoredOnce != int64(seq) {
			t.Fatalf("report %+v", rep)
		}
		if p := r.Progress(); p.Shards != 3 || p.ShardsDone != 3 {
			t.Fatalf("progress %+v: want 3 shards (a closed parent, two children)", p)
		}
		st, _ := e.StreamStats("s")
		for _, sh := range st.Shards {
			if sh.ReadThrottles != 0 {
				t.Fatalf("shard %s: %d reads throttled", sh.ShardID, sh.ReadThrottles)
			}
		}
		// Each child holds about 1 MB, read at 100 KiB/s: the byte budget holds the next call back
		// for seconds.
		if c := r.Cost(); c.Seconds < 5 {
			t.Fatalf("cost %+v: the byte budget did not pace the read", c)
		}
	})
}

// keyIn returns a partition key whose MD5 hash key lies in rg.
func keyIn(rg hashkey.Range) string {
	for i := 0; ; i++ {
		k := fmt.Sprint("key-", i)
		if rg.Contains(hashkey.OfPartitionKey(k)) {
			return k
		}
	}
}

// A shard whose read limit another consumer (here: the limit itself, set to 1 call/s) leaves
// short: the reader is throttled, waits and finishes, and counts the throttles in its cost.
func TestReaderBacksOffWhenThrottled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		limits := emulator.DefaultLimits()
		limits.GetRecordsPerShard = 1
		e, err := emulator.New(emulator.Config{Limits: limits, Streams: []emulator.StreamSpec{{Name: "s", Shards: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		kin := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), HTTPClient: emulator.InMemTransport{Handler: e}})
		const run = "00c0ffee"
		for seq := range uint64(20) {
			d, _ := Stamp(run, seq, []byte("x"))
			if _, err := kin.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: d}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := NewReader(ReaderConfig{Client: kin, Stream: "s", RunID: run, Records: 20, CallsPerShardPerSec: 20})
		if err != nil {
			t.Fatal(err)
		}
		tally, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var l Ledger
		for range 20 {
			l.Set(l.Next(), Acknowledged, false)
		}
		if rep := Check(&l, tally); rep.StoredOnce != 20 || rep.OrderViolations != 0 {
			t.Fatalf("report %+v", rep)
		}
		if c := r.Cost(); c.Throttles == 0 {
			t.Fatalf("cost %+v: no throttle at 20 calls/s against a limit of 1", c)
		}
	})
}

// A stream that is gone cannot be verified: the error says what failed, at once.
func TestReaderFailsOnAMissingStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, err := emulator.New(emulator.Config{})
		if err != nil {
			t.Fatal(err)
		}
		kin := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), HTTPClient: emulator.InMemTransport{Handler: e}})
		r, err := NewReader(ReaderConfig{Client: kin, Stream: "gone", RunID: "00c0ffee"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "list the shards of gone") ||
			!strings.Contains(err.Error(), "ResourceNotFoundException") {
			t.Fatalf("Read: %v", err)
		}
	})
}
