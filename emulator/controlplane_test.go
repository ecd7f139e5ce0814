package emulator

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// callsAllowed makes n calls at one instant and counts those not refused with code.
func callsAllowed(t *testing.T, n int, code string, call func() error) int {
	t.Helper()
	ok := 0
	for range n {
		err := call()
		switch {
		case err == nil:
			ok++
		case apiCode(err) != code:
			t.Fatalf("want success or %s, got %v", code, err)
		}
	}
	return ok
}

func TestControlPlaneRateLimits(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}}, true)
	ctx, s := env.ctx, aws.String("s")
	for _, tc := range []struct {
		op    string
		limit int
		code  string
		call  func() error
	}{
		{"DescribeStream", 10, "LimitExceededException", func() error {
			_, err := env.kin.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: s})
			return err
		}},
		{"DescribeStreamSummary", 20, "LimitExceededException", func() error {
			_, err := env.kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: s})
			return err
		}},
		{"ListStreams", 5, "LimitExceededException", func() error {
			_, err := env.kin.ListStreams(ctx, &kinesis.ListStreamsInput{})
			return err
		}},
		{"ListShards", 1000, "LimitExceededException", func() error {
			_, err := env.kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: s})
			return err
		}},
		{"GetShardIterator (per shard)", 5, "ProvisionedThroughputExceededException", func() error {
			_, err := env.kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: s, ShardId: aws.String("shardId-000000000001"), ShardIteratorType: types.ShardIteratorTypeLatest})
			return err
		}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			if got := callsAllowed(t, tc.limit+3, tc.code, tc.call); got != tc.limit {
				t.Fatalf("%d calls allowed in one instant, want %d", got, tc.limit)
			}
			env.clock.Advance(time.Second) // a second later the bucket is full again
			if got := callsAllowed(t, tc.limit, tc.code, tc.call); got != tc.limit {
				t.Fatalf("after 1 s, %d calls allowed, want %d", got, tc.limit)
			}
			env.clock.Advance(time.Second)
		})
	}
	if n := env.emu.FaultStats().LimitExceeded["DescribeStream"]; n != 3 {
		t.Fatalf("FaultStats counts %d DescribeStream refusals, want 3", n)
	}
}

func TestUpdateShardCountLimits(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 4}}, ReshardDelay: time.Second}, true)
	update := func(n int32) error {
		_, err := env.kin.UpdateShardCount(env.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String("s"), TargetShardCount: aws.Int32(n), ScalingType: types.ScalingTypeUniformScaling})
		return err
	}
	wantCode(t, update(9), "LimitExceededException") // over double
	wantCode(t, update(1), "LimitExceededException") // under half
	if err := update(8); err != nil {
		t.Fatal(err)
	}
	wantCode(t, update(4), "ResourceInUseException") // UPDATING
	// Ten updates in a rolling 24 hours, then LimitExceededException until the first ages out.
	for i := 0; i < 9; i++ {
		env.clock.Advance(time.Minute)
		target := int32(4)
		if i%2 == 1 {
			target = 8
		}
		if err := update(target); err != nil {
			t.Fatalf("update %d: %v", i+2, err)
		}
	}
	env.clock.Advance(time.Minute)
	wantCode(t, update(4), "LimitExceededException")
	env.clock.Advance(24 * time.Hour)
	if err := update(4); err != nil {
		t.Fatal(err)
	}
}

func TestInjectedControlPlaneThrottling(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Faults: Faults{ControlPlaneThrottleRate: 1}}, true)
	_, err := env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	wantCode(t, err, "LimitExceededException")
	// The data plane is untouched.
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	// Changed at run time through the Go API.
	if err := env.emu.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t)
	if n := env.emu.FaultStats().LimitExceeded["DescribeStreamSummary"]; n != 1 {
		t.Fatalf("FaultStats counts %d injected refusals, want 1", n)
	}
}
