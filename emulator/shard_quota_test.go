package emulator

import (
	"crypto/md5"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// The account's shard quota defaults to AWS's for the region (20,000 in us-east-1, us-west-2 and
// eu-west-1; 1,000 elsewhere), as DescribeLimits reports it; Limits.ShardLimit raises it.
func TestShardQuotaDefaultsByRegion(t *testing.T) {
	for _, c := range []struct {
		region string
		limit  Limits
		want   int32
	}{
		{"us-east-1", Limits{}, 20_000}, {"eu-west-1", Limits{}, 20_000}, {"us-west-2", Limits{}, 20_000},
		{"eu-central-1", Limits{}, 1_000}, {"local", Limits{}, 1_000},
		{"eu-central-1", Limits{ShardLimit: 50_000}, 50_000},
	} {
		env := newEnv(t, Config{Region: c.region, Limits: c.limit}, true)
		lim := must(env.kin.DescribeLimits(env.ctx, &kinesis.DescribeLimitsInput{}))(t)
		if *lim.ShardLimit != c.want || *lim.OpenShardCount != 0 {
			t.Errorf("%s with %+v: ShardLimit %d, OpenShardCount %d; want %d, 0", c.region, c.limit.ShardLimit, *lim.ShardLimit, *lim.OpenShardCount, c.want)
		}
	}
}

// A request over the quota gets AWS's LimitExceededException naming the account's open shards,
// the limit and what the request would add; a raised quota lets the same request through.
func TestShardQuotaRefusesWithFigures(t *testing.T) {
	cfg := Config{Region: "eu-central-1", Streams: []StreamSpec{{Name: "a", Shards: 600}}}
	env := newEnv(t, cfg, true)
	_, err := env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("b"), ShardCount: aws.Int32(500)})
	wantCode(t, err, "LimitExceededException")
	want := "This request would exceed the shard limit for the account 123456789012 in eu-central-1. Current shard count for the account: 600. Limit: 1000. Number of additional shards that would have resulted from this request: 500."
	if apiMessage(err) != want {
		t.Fatalf("message %q\nwant    %q", apiMessage(err), want)
	}
	// UpdateShardCount counts what it adds: 600 → 1,100 adds 500 over the same 1,000.
	_, err = env.kin.UpdateShardCount(env.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("a"), TargetShardCount: aws.Int32(1100), ScalingType: types.ScalingTypeUniformScaling})
	wantCode(t, err, "LimitExceededException")
	if apiMessage(err) != want {
		t.Fatalf("UpdateShardCount message %q\nwant %q", apiMessage(err), want)
	}

	cfg.Limits.ShardLimit = 1100
	env = newEnv(t, cfg, true)
	must(env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("b"), ShardCount: aws.Int32(500)}))(t)
	lim := must(env.kin.DescribeLimits(env.ctx, &kinesis.DescribeLimitsInput{}))(t)
	if *lim.ShardLimit != 1100 || *lim.OpenShardCount != 1100 {
		t.Fatalf("DescribeLimits %d of %d, want 1100 of 1100", *lim.OpenShardCount, *lim.ShardLimit)
	}
}

// Config.Streams are held to the quota too, alone and together, and the quota to its range.
func TestShardQuotaConfig(t *testing.T) {
	for _, c := range []struct {
		cfg   Config
		field string
	}{
		{Config{Region: "local", Streams: []StreamSpec{{Name: "a", Shards: 1001}}}, "Streams[0].Shards"},
		{Config{Region: "local", Streams: []StreamSpec{{Name: "a", Shards: 600}, {Name: "b", Shards: 400}, {Name: "c", OnDemand: true}}}, "Streams"},
		{Config{Limits: Limits{ShardLimit: -1}}, "Limits.ShardLimit"},
		{Config{Limits: Limits{ShardLimit: MaxShardQuota + 1}}, "Limits.ShardLimit"},
	} {
		bad := CheckConfig(c.cfg)
		if len(bad) != 1 || bad[0].Field != c.field {
			t.Errorf("%+v: %v, want one error on %s", c.cfg.Streams, bad, c.field)
		}
	}
	if bad := CheckConfig(Config{Region: "local", Streams: []StreamSpec{{Name: "a", Shards: 600}, {Name: "b", Shards: 400}}}); len(bad) != 0 {
		t.Errorf("1,000 shards in a 1,000-shard quota refused: %v", bad)
	}
}

// A stream of 10,000 shards, created through the SDK, pages through ListShards (MaxResults,
// NextToken, ShardFilter) and DescribeStream (Limit, ExclusiveStartShardId) whole and in order,
// its ranges tile the hash key space, and writes land on the shard whose range holds their key.
func TestTenThousandShardStream(t *testing.T) {
	const n = 10_000
	env := newEnv(t, Config{}, true) // us-east-1: a 20,000-shard quota
	must(env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("big"), ShardCount: aws.Int32(n)}))(t)

	var listed []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String("big"), MaxResults: aws.Int32(1000)}
	for pages := 0; ; pages++ {
		if pages > n/1000 {
			t.Fatalf("ListShards still paging after %d pages", pages)
		}
		out := must(env.kin.ListShards(env.ctx, in))(t)
		listed = append(listed, out.Shards...)
		if out.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken, MaxResults: aws.Int32(1000)}
	}
	checkShardsTile(t, "ListShards", listed, n)

	after := must(env.kin.ListShards(env.ctx, &kinesis.ListShardsInput{StreamName: aws.String("big"),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String(shardID(n - 11))}}))(t)
	if len(after.Shards) != 10 || *after.Shards[0].ShardId != shardID(n-10) || after.NextToken != nil {
		t.Fatalf("ShardFilter AFTER_SHARD_ID %s: %d shards from %s", shardID(n-11), len(after.Shards), aws.ToString(after.Shards[0].ShardId))
	}

	var described []types.Shard
	var start *string
	for pages := 0; ; pages++ {
		if pages > n/100 {
			t.Fatalf("DescribeStream still paging after %d pages", pages)
		}
		env.clock.Advance(100 * time.Millisecond) // DescribeStream: 10 calls a second per account
		out := must(env.kin.DescribeStream(env.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("big"), Limit: aws.Int32(100), ExclusiveStartShardId: start}))(t)
		d := out.StreamDescription
		if len(d.Shards) != 100 {
			t.Fatalf("DescribeStream page %d: %d shards, want 100", pages, len(d.Shards))
		}
		described = append(described, d.Shards...)
		if !*d.HasMoreShards {
			break
		}
		start = d.Shards[len(d.Shards)-1].ShardId
	}
	checkShardsTile(t, "DescribeStream", described, n)

	// Writes: each record lands on the listed shard whose range holds its key's MD5.
	var recs []types.PutRecordsRequestEntry
	for i := range 500 {
		recs = append(recs, types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("k%d", i)), Data: []byte("x")})
	}
	out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("big"), Records: recs}))(t)
	touched := map[string]bool{}
	for i, r := range out.Records {
		if r.ShardId == nil {
			t.Fatalf("record %d: %s %s", i, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
		}
		sum := md5.Sum([]byte(*recs[i].PartitionKey)) // Kinesis's rule, computed here independently
		k := new(big.Int).SetBytes(sum[:])
		idx := 0
		fmt.Sscanf(*r.ShardId, "shardId-%d", &idx)
		sh := listed[idx]
		lo, _ := new(big.Int).SetString(*sh.HashKeyRange.StartingHashKey, 10)
		hi, _ := new(big.Int).SetString(*sh.HashKeyRange.EndingHashKey, 10)
		if k.Cmp(lo) < 0 || k.Cmp(hi) > 0 {
			t.Fatalf("key %s (hash %s) landed on %s [%s, %s]", *recs[i].PartitionKey, k, *r.ShardId, lo, hi)
		}
		touched[*r.ShardId] = true
	}
	if len(touched) < 450 { // 500 random keys over 10,000 shards: ~488 distinct
		t.Fatalf("500 keys touched %d shards", len(touched))
	}
}

// checkShardsTile asserts shards are shardId-0..n-1 in order, open, and tile [0, 2^128-1].
func checkShardsTile(t *testing.T, op string, shards []types.Shard, n int) {
	t.Helper()
	if len(shards) != n {
		t.Fatalf("%s: %d shards, want %d", op, len(shards), n)
	}
	next := big.NewInt(0)
	for i, sh := range shards {
		if *sh.ShardId != shardID(i) {
			t.Fatalf("%s: shard %d is %s", op, i, *sh.ShardId)
		}
		lo, _ := new(big.Int).SetString(*sh.HashKeyRange.StartingHashKey, 10)
		hi, _ := new(big.Int).SetString(*sh.HashKeyRange.EndingHashKey, 10)
		if lo.Cmp(next) != 0 || hi.Cmp(lo) < 0 || sh.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("%s: %s covers [%s, %s], want it to start at %s, open", op, *sh.ShardId, lo, hi, next)
		}
		next.Add(hi, big.NewInt(1))
	}
	if max := new(big.Int).Lsh(big.NewInt(1), 128); next.Cmp(max) != 0 {
		t.Fatalf("%s: shards end at %s, want 2^128", op, next)
	}
}
