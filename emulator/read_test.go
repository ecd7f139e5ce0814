package emulator

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func iterator(t *testing.T, env *testEnv, shard string, typ types.ShardIteratorType, seq string, ts *time.Time) *string {
	t.Helper()
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: aws.String(shard), ShardIteratorType: typ, Timestamp: ts}
	if seq != "" {
		in.StartingSequenceNumber = aws.String(seq)
	}
	return must(env.kin.GetShardIterator(env.ctx, in))(t).ShardIterator
}

func TestRoundTripAndIteratorTypes(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	var seqs []string
	var times []time.Time
	for i := range 10 {
		env.clock.Advance(time.Second) // one put per second, so AT_TIMESTAMP can pick one
		out := must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String(fmt.Sprint("key-", i)), Data: []byte(fmt.Sprint("data-", i))}))(t)
		seqs = append(seqs, *out.SequenceNumber)
		times = append(times, env.clock.Now())
	}
	for i, s := range seqs {
		if len(s) != 56 || (i > 0 && s <= seqs[i-1]) {
			t.Fatalf("sequence number %d %q: want 56 digits, increasing", i, s)
		}
	}
	read := func(it *string) []types.Record {
		out := must(env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: it}))(t)
		env.clock.Advance(250 * time.Millisecond) // stay under 5 GetRecords/s per shard
		return out.Records
	}
	sh := "shardId-000000000000"
	all := read(iterator(t, env, sh, types.ShardIteratorTypeTrimHorizon, "", nil))
	if len(all) != 10 {
		t.Fatalf("TRIM_HORIZON read %d records, want 10", len(all))
	}
	for i, r := range all {
		if *r.SequenceNumber != seqs[i] || *r.PartitionKey != fmt.Sprint("key-", i) || !bytes.Equal(r.Data, []byte(fmt.Sprint("data-", i))) {
			t.Fatalf("record %d read back as %s %q %q", i, *r.SequenceNumber, *r.PartitionKey, r.Data)
		}
		if !r.ApproximateArrivalTimestamp.Equal(times[i]) {
			t.Fatalf("record %d arrival %v, want %v", i, r.ApproximateArrivalTimestamp, times[i])
		}
	}
	if got := read(iterator(t, env, sh, types.ShardIteratorTypeAtSequenceNumber, seqs[4], nil)); len(got) != 6 || *got[0].SequenceNumber != seqs[4] {
		t.Fatalf("AT_SEQUENCE_NUMBER read %d records", len(got))
	}
	if got := read(iterator(t, env, sh, types.ShardIteratorTypeAfterSequenceNumber, seqs[4], nil)); len(got) != 5 || *got[0].SequenceNumber != seqs[5] {
		t.Fatalf("AFTER_SEQUENCE_NUMBER read %d records", len(got))
	}
	if got := read(iterator(t, env, sh, types.ShardIteratorTypeAtTimestamp, "", &times[7])); len(got) != 3 || *got[0].SequenceNumber != seqs[7] {
		t.Fatalf("AT_TIMESTAMP read %d records", len(got))
	}
	latest := iterator(t, env, sh, types.ShardIteratorTypeLatest, "", nil)
	if got := read(latest); len(got) != 0 {
		t.Fatalf("LATEST read %d old records", len(got))
	}
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("new"), Data: []byte("new")}))(t)
	if got := read(latest); len(got) != 1 || *got[0].PartitionKey != "new" {
		t.Fatalf("LATEST then read %d records", len(got))
	}
	// Iterators expire after 5 minutes.
	old := iterator(t, env, sh, types.ShardIteratorTypeTrimHorizon, "", nil)
	env.clock.Advance(5*time.Minute + time.Second)
	_, err := env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: old})
	wantCode(t, err, "ExpiredIteratorException")
	_, err = env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String("garbage")})
	wantCode(t, err, "InvalidArgumentException")
}

func TestGetRecordsPerShardRateLimit(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	it := iterator(t, env, "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, "", nil)
	ok := callsAllowed(t, 8, "ProvisionedThroughputExceededException", func() error {
		_, err := env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: it})
		return err
	})
	if ok != 5 {
		t.Fatalf("%d GetRecords calls allowed in one instant, want 5", ok)
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.ReadThrottles != 3 {
		t.Fatalf("ReadThrottles %d, want 3", st.Total.ReadThrottles)
	}
}

func TestRetentionIsBounded(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, RetainRecordsPerShard: 100}, true)
	for range 3 {
		must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(100, 10, "k")}))(t)
	}
	got := must(env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: iterator(t, env, "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, "", nil)}))(t)
	if len(got.Records) != 100 {
		t.Fatalf("retained %d records, want the newest 100", len(got.Records))
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.AcceptedRecords != 300 {
		t.Fatalf("accepted %d", st.Total.AcceptedRecords)
	}
}

// Reading a closed parent to its end yields no next iterator and names the children, so a
// consumer can follow the lineage.
func TestReadClosedShardToChildren(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("before")}))(t)
	must(env.kin.SplitShard(env.ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1000")}))(t)
	env.clock.Advance(time.Second)
	out := must(env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: iterator(t, env, "shardId-000000000000", types.ShardIteratorTypeTrimHorizon, "", nil)}))(t)
	if len(out.Records) != 1 || out.NextShardIterator != nil || len(out.ChildShards) != 2 {
		t.Fatalf("closed shard read: %d records, next %v, %d children", len(out.Records), out.NextShardIterator, len(out.ChildShards))
	}
	out2 := must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("after")}))(t)
	_, err := env.kin.GetShardIterator(env.ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: aws.String("shardId-000000000000"),
		ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, StartingSequenceNumber: out2.SequenceNumber})
	wantCode(t, err, "InvalidArgumentException") // that number belongs to a child
}
