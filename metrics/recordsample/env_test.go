package recordsample

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/metrics"
)

// testStream is the real emulator, in process, with a real SDK client: run inside a synctest
// bubble, so seconds are virtual.
type testStream struct {
	t      *testing.T
	emu    *emulator.Emulator
	kin    *kinesis.Client
	name   string
	shards []metrics.ShardRange
}

func newTestStream(t *testing.T, shards int, limits *emulator.Limits) *testStream {
	t.Helper()
	cfg := emulator.Config{Streams: []emulator.StreamSpec{{Name: "s", Shards: shards}}}
	if limits != nil {
		cfg.Limits = *limits
	}
	e, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	kin := kinesis.New(kinesis.Options{BaseEndpoint: aws.String("http://emulator.in-process"), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), HTTPClient: emulator.InMemTransport{Handler: e}})
	ts := &testStream{t: t, emu: e, kin: kin, name: "s"}
	out, err := kin.ListShards(context.Background(), &kinesis.ListShardsInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range out.Shards {
		ts.shards = append(ts.shards, shardRangeOf(sh))
	}
	return ts
}

func shardRangeOf(sh types.Shard) metrics.ShardRange {
	return metrics.ShardRange{ShardID: aws.ToString(sh.ShardId),
		StartingHashKey: aws.ToString(sh.HashKeyRange.StartingHashKey), EndingHashKey: aws.ToString(sh.HashKeyRange.EndingHashKey)}
}

// shardOf is the shard a partition key is routed to.
func (ts *testStream) shardOf(key string) string {
	h := hashkey.OfPartitionKey(key)
	for _, sh := range ts.shards {
		start, ok1 := hashkey.Parse(sh.StartingHashKey)
		end, ok2 := hashkey.Parse(sh.EndingHashKey)
		if ok1 && ok2 && (hashkey.Range{Start: start, End: end}).Contains(h) {
			return sh.ShardID
		}
	}
	ts.t.Fatalf("no shard holds key %q", key)
	return ""
}

// put writes records (key, data) in one PutRecords call; none may fail.
func (ts *testStream) put(recs ...types.PutRecordsRequestEntry) {
	ts.t.Helper()
	for len(recs) > 0 {
		n := min(500, len(recs))
		out, err := ts.kin.PutRecords(context.Background(), &kinesis.PutRecordsInput{StreamName: aws.String(ts.name), Records: recs[:n]})
		if err != nil {
			ts.t.Fatal(err)
		}
		if c := aws.ToInt32(out.FailedRecordCount); c != 0 {
			ts.t.Fatalf("PutRecords: %d of %d records failed", c, n)
		}
		recs = recs[n:]
	}
}

func entry(key string, data []byte) types.PutRecordsRequestEntry {
	return types.PutRecordsRequestEntry{PartitionKey: aws.String(key), Data: data}
}

// countingReader is the real client, counting the sampler's GetRecords calls per shard (an
// iterator is followed back to the shard it was taken for).
type countingReader struct {
	*kinesis.Client
	mu      sync.Mutex
	shardOf map[string]string
	calls   map[string]int // GetRecords calls by shard
	ok      map[string]int // of them, answered with records
}

func newCountingReader(kin *kinesis.Client) *countingReader {
	return &countingReader{Client: kin, shardOf: map[string]string{}, calls: map[string]int{}, ok: map[string]int{}}
}

func (c *countingReader) GetShardIterator(ctx context.Context, in *kinesis.GetShardIteratorInput, opts ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error) {
	out, err := c.Client.GetShardIterator(ctx, in, opts...)
	if err == nil {
		c.mu.Lock()
		c.shardOf[aws.ToString(out.ShardIterator)] = aws.ToString(in.ShardId)
		c.mu.Unlock()
	}
	return out, err
}

func (c *countingReader) GetRecords(ctx context.Context, in *kinesis.GetRecordsInput, opts ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error) {
	c.mu.Lock()
	shard := c.shardOf[aws.ToString(in.ShardIterator)]
	c.calls[shard]++
	c.mu.Unlock()
	out, err := c.Client.GetRecords(ctx, in, opts...)
	if err == nil {
		c.mu.Lock()
		c.ok[shard]++
		delete(c.shardOf, aws.ToString(in.ShardIterator))
		if out.NextShardIterator != nil {
			c.shardOf[*out.NextShardIterator] = shard
		}
		c.mu.Unlock()
	}
	return out, err
}

// counts returns the GetRecords calls so far, all and answered, on a shard ("" for all shards).
func (c *countingReader) counts(shard string) (calls, ok int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, n := range c.calls {
		if shard == "" || id == shard {
			calls += n
			ok += c.ok[id]
		}
	}
	return calls, ok
}

// start makes a sampler of the stream through r and starts it; the test stops it.
func (ts *testStream) start(r Reader, cfg Config) *Sampler {
	ts.t.Helper()
	cfg.Stream = ts.name
	s, err := New(r, cfg)
	if err != nil {
		ts.t.Fatal(err)
	}
	s.SetShards(ts.shards)
	s.Start(context.Background())
	ts.t.Cleanup(s.Stop)
	return s
}

func shardSample(t *testing.T, rs *metrics.RecordSample, id string) metrics.ShardSample {
	t.Helper()
	for _, sh := range rs.Shards {
		if sh.ShardID == id {
			return sh
		}
	}
	t.Fatalf("shard %s is not in the sample (%d shards)", id, len(rs.Shards))
	return metrics.ShardSample{}
}
