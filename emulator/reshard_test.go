package emulator

import (
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

func listShards(t *testing.T, env *testEnv, filter *types.ShardFilter) []types.Shard {
	t.Helper()
	var out []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String("s"), ShardFilter: filter, MaxResults: aws.Int32(2)}
	for {
		page := must(env.kin.ListShards(env.ctx, in))(t)
		out = append(out, page.Shards...)
		if page.NextToken == nil {
			return out
		}
		in = &kinesis.ListShardsInput{NextToken: page.NextToken, MaxResults: aws.Int32(2)}
	}
}

func status(t *testing.T, env *testEnv) types.StreamStatus {
	t.Helper()
	return must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t).StreamDescriptionSummary.StreamStatus
}

func bigOf(s string) *big.Int { v, _ := new(big.Int).SetString(s, 10); return v }

// byStart returns the shards sorted by starting hash key.
func byStart(shards []types.Shard) []types.Shard {
	out := append([]types.Shard(nil), shards...)
	sort.Slice(out, func(i, j int) bool {
		return bigOf(*out[i].HashKeyRange.StartingHashKey).Cmp(bigOf(*out[j].HashKeyRange.StartingHashKey)) < 0
	})
	return out
}

// checkCoverage asserts the open shards tile [0, 2^128-1] without gap or overlap.
// two128 is 2^128, one past the top hash key: computed here, independently of the code under test.
var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

func checkCoverage(t *testing.T, open []types.Shard) {
	t.Helper()
	next := big.NewInt(0)
	for _, sh := range byStart(open) {
		if bigOf(*sh.HashKeyRange.StartingHashKey).Cmp(next) != 0 {
			t.Fatalf("gap or overlap before %s: expected start %s", *sh.ShardId, next)
		}
		next = new(big.Int).Add(bigOf(*sh.HashKeyRange.EndingHashKey), big.NewInt(1))
	}
	if next.Cmp(two128) != 0 {
		t.Fatalf("open shards end at %s, want 2^128-1", new(big.Int).Sub(next, big.NewInt(1)))
	}
}

func TestSplitShardUnderWrites(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, ReshardDelay: 2 * time.Second}, true)
	mid := new(big.Int).Rsh(two128, 1).String()
	must(env.kin.SplitShard(env.ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String(mid)}))(t)
	if st := status(t, env); st != types.StreamStatusUpdating {
		t.Fatalf("status %s, want UPDATING", st)
	}
	// Writes keep working while UPDATING, on the parent.
	out := must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("a"), Data: []byte("1")}))(t)
	if *out.ShardId != "shardId-000000000000" {
		t.Fatalf("during UPDATING the write went to %s", *out.ShardId)
	}
	_, err := env.kin.SplitShard(env.ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: aws.String("shardId-000000000000"), NewStartingHashKey: aws.String("1")})
	wantCode(t, err, "ResourceInUseException")

	env.clock.Advance(2 * time.Second)
	if st := status(t, env); st != types.StreamStatusActive {
		t.Fatalf("status %s, want ACTIVE", st)
	}
	all := listShards(t, env, nil)
	if len(all) != 3 {
		t.Fatalf("%d shards listed, want parent + 2 children", len(all))
	}
	parent := all[0]
	if parent.SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatal("parent not closed: no EndingSequenceNumber")
	}
	for i, want := range [][2]string{{"0", new(big.Int).Sub(bigOf(mid), big.NewInt(1)).String()}, {mid, hashkey.Max.String()}} {
		c := all[i+1]
		if *c.ParentShardId != "shardId-000000000000" || *c.HashKeyRange.StartingHashKey != want[0] || *c.HashKeyRange.EndingHashKey != want[1] {
			t.Fatalf("child %d: %s parent %v range %s..%s", i, *c.ShardId, c.ParentShardId, *c.HashKeyRange.StartingHashKey, *c.HashKeyRange.EndingHashKey)
		}
	}
	open := listShards(t, env, &types.ShardFilter{Type: types.ShardFilterTypeAtLatest})
	if len(open) != 2 {
		t.Fatalf("AT_LATEST lists %d shards, want the 2 children", len(open))
	}
	checkCoverage(t, open)
	// New writes land on the child holding the key's hash.
	for _, key := range []string{"a", "b", "c", "d", "e"} {
		out := must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String(key), Data: []byte("2")}))(t)
		want := "shardId-000000000001"
		if hashkey.OfPartitionKey(key).Big().Cmp(bigOf(mid)) >= 0 {
			want = "shardId-000000000002"
		}
		if *out.ShardId != want {
			t.Fatalf("key %q went to %s, want %s", key, *out.ShardId, want)
		}
	}
}

func TestMergeShards(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 3}}, ReshardDelay: time.Second}, true)
	_, err := env.kin.MergeShards(env.ctx, &kinesis.MergeShardsInput{StreamName: aws.String("s"), ShardToMerge: aws.String("shardId-000000000000"), AdjacentShardToMerge: aws.String("shardId-000000000002")})
	wantCode(t, err, "InvalidArgumentException") // not adjacent
	must(env.kin.MergeShards(env.ctx, &kinesis.MergeShardsInput{StreamName: aws.String("s"), ShardToMerge: aws.String("shardId-000000000002"), AdjacentShardToMerge: aws.String("shardId-000000000001")}))(t)
	env.clock.Advance(time.Second)
	all := listShards(t, env, nil)
	child := all[3]
	if *child.ParentShardId != "shardId-000000000002" || *child.AdjacentParentShardId != "shardId-000000000001" {
		t.Fatalf("child lineage %v %v", child.ParentShardId, child.AdjacentParentShardId)
	}
	if *child.HashKeyRange.StartingHashKey != *all[1].HashKeyRange.StartingHashKey || *child.HashKeyRange.EndingHashKey != hashkey.Max.String() {
		t.Fatalf("child range %s..%s", *child.HashKeyRange.StartingHashKey, *child.HashKeyRange.EndingHashKey)
	}
	checkCoverage(t, listShards(t, env, &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}))
	env.clock.Advance(time.Second)
	_, err = env.kin.MergeShards(env.ctx, &kinesis.MergeShardsInput{StreamName: aws.String("s"), ShardToMerge: aws.String("shardId-000000000001"), AdjacentShardToMerge: aws.String("shardId-000000000000")})
	wantCode(t, err, "InvalidArgumentException") // already merged
}

// UpdateShardCount reaches an even spread through real splits and merges: every closed shard's
// children exactly cover its range, so consumers following lineage lose nothing.
func TestUpdateShardCountUniformWithLineage(t *testing.T) {
	for _, tc := range []struct{ from, to int }{{4, 8}, {8, 4}, {3, 5}, {7, 4}, {5, 3}} {
		env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: tc.from}}}, true)
		must(env.kin.UpdateShardCount(env.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("s"), TargetShardCount: aws.Int32(int32(tc.to)), ScalingType: types.ScalingTypeUniformScaling}))(t)
		env.clock.Advance(time.Second)
		open := byStart(listShards(t, env, &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}))
		if len(open) != tc.to {
			t.Fatalf("%d→%d: %d open shards", tc.from, tc.to, len(open))
		}
		checkCoverage(t, open)
		for i, r := range hashkey.Whole.Even(tc.to) {
			if *open[i].HashKeyRange.StartingHashKey != r.Start.String() {
				t.Fatalf("%d→%d: shard %d starts %s, want %s", tc.from, tc.to, i, *open[i].HashKeyRange.StartingHashKey, r.Start)
			}
		}
		all := listShards(t, env, nil)
		byID := map[string]types.Shard{}
		for _, sh := range all {
			byID[*sh.ShardId] = sh
		}
		for _, sh := range all {
			for _, p := range []*string{sh.ParentShardId, sh.AdjacentParentShardId} {
				if p == nil {
					continue
				}
				parent, ok := byID[*p]
				if !ok || parent.SequenceNumberRange.EndingSequenceNumber == nil {
					t.Fatalf("%d→%d: %s has parent %s that is missing or still open", tc.from, tc.to, *sh.ShardId, *p)
				}
			}
		}
	}
}

// AWS manages an ON_DEMAND stream's shards: the resharding APIs refuse it with a
// ValidationException, and its shards stay as they were.
func TestReshardingRefusesOnDemandStreams(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", OnDemand: true}}}, true)
	before := listShards(t, env, nil)
	_, err := env.kin.UpdateShardCount(env.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("s"), TargetShardCount: aws.Int32(8), ScalingType: types.ScalingTypeUniformScaling})
	wantCode(t, err, "ValidationException")
	if !strings.Contains(apiMessage(err), "UpdateShardCount is not supported for stream s") || !strings.Contains(apiMessage(err), "ON_DEMAND") {
		t.Fatalf("UpdateShardCount: %q", apiMessage(err))
	}
	_, err = env.kin.SplitShard(env.ctx, &kinesis.SplitShardInput{StreamName: aws.String("s"), ShardToSplit: before[0].ShardId, NewStartingHashKey: aws.String("1")})
	wantCode(t, err, "ValidationException")
	_, err = env.kin.MergeShards(env.ctx, &kinesis.MergeShardsInput{StreamName: aws.String("s"), ShardToMerge: before[0].ShardId, AdjacentShardToMerge: before[1].ShardId})
	wantCode(t, err, "ValidationException")
	env.clock.Advance(time.Minute)
	if after := listShards(t, env, nil); len(after) != len(before) || status(t, env) != types.StreamStatusActive {
		t.Fatalf("shards %d → %d, status %s", len(before), len(after), status(t, env))
	}
}
