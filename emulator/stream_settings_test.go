package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// Tags through both of AWS's APIs, which see the same tags: the stream API pages them in key
// order, the resource API reaches the stream by ARN, CreateStream takes them too.
func TestStreamTagsThroughBothAPIs(t *testing.T) {
	env := newEnv(t, Config{}, true)
	must(env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1), Tags: map[string]string{"team": "data"}}))(t)
	arn := *must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t).StreamDescriptionSummary.StreamARN
	must(env.kin.AddTagsToStream(env.ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{"env": "test", "cost": ""}}))(t)
	must(env.kin.TagResource(env.ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn), Tags: map[string]string{"owner": "me"}}))(t)

	page := must(env.kin.ListTagsForStream(env.ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("s"), Limit: aws.Int32(2)}))(t)
	if got := tagKeys(page.Tags); got != "cost env" || !*page.HasMoreTags {
		t.Fatalf("first page %s (more %v)", got, *page.HasMoreTags)
	}
	page = must(env.kin.ListTagsForStream(env.ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("s"), ExclusiveStartTagKey: aws.String("env")}))(t)
	if got := tagKeys(page.Tags); got != "owner team" || *page.HasMoreTags {
		t.Fatalf("second page %s (more %v)", got, *page.HasMoreTags)
	}

	must(env.kin.RemoveTagsFromStream(env.ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("s"), TagKeys: []string{"cost"}}))(t)
	must(env.kin.UntagResource(env.ctx, &kinesis.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"team"}}))(t)
	res := must(env.kin.ListTagsForResource(env.ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(arn)}))(t)
	if got := tagKeys(res.Tags); got != "env owner" {
		t.Fatalf("after removing: %s", got)
	}

	// Limits: 50 tags per stream, keys of 1..128 characters.
	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err := env.kin.TagResource(env.ctx, &kinesis.TagResourceInput{ResourceARN: aws.String(arn), Tags: many})
	wantCode(t, err, "LimitExceededException")
	if !strings.Contains(apiMessage(err), "at most 50 tags (it would have 51)") {
		t.Fatalf("limit: %q", apiMessage(err))
	}
	_, err = env.kin.AddTagsToStream(env.ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("s"), Tags: map[string]string{strings.Repeat("k", 129): "v"}})
	wantCode(t, err, "ValidationException")
	_, err = env.kin.ListTagsForResource(env.ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String(strings.Replace(arn, "stream/s", "stream/nope", 1))})
	wantCode(t, err, "ResourceNotFoundException")
}

func tagKeys(tags []types.Tag) string {
	var keys []string
	for _, t := range tags {
		keys = append(keys, *t.Key)
	}
	return strings.Join(keys, " ")
}

// Records live for the stream's retention period: 24 hours unless changed, and the bounds and
// directions of the two retention APIs are AWS's.
func TestRetentionPeriodTrimsRecords(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	put := func(data string) {
		must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte(data)}))(t)
	}
	read := func() string {
		shard := listShards(t, env, nil)[0].ShardId
		it := must(env.kin.GetShardIterator(env.ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: shard, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}))(t)
		out := must(env.kin.GetRecords(env.ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator}))(t)
		var got []string
		for _, r := range out.Records {
			got = append(got, string(r.Data))
		}
		return strings.Join(got, " ")
	}
	retention := func() int32 {
		return *must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t).StreamDescriptionSummary.RetentionPeriodHours
	}
	put("old")
	env.clock.Advance(23 * time.Hour)
	put("new")
	if got := read(); got != "old new" {
		t.Fatalf("after 23 h: %q", got)
	}
	env.clock.Advance(2 * time.Hour)
	if got := read(); got != "new" || retention() != 24 {
		t.Fatalf("after 25 h: %q (retention %d h), want the 24-hour-old record gone", got, retention())
	}

	must(env.kin.IncreaseStreamRetentionPeriod(env.ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(72)}))(t)
	env.clock.Advance(40 * time.Hour)
	if got := read(); got != "new" || retention() != 72 {
		t.Fatalf("with 72 h retention after 42 h: %q (retention %d h)", got, retention())
	}
	_, err := env.kin.IncreaseStreamRetentionPeriod(env.ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(48)})
	wantCode(t, err, "InvalidArgumentException")
	if !strings.Contains(apiMessage(err), "can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.") {
		t.Fatalf("shorter increase: %q", apiMessage(err))
	}
	_, err = env.kin.IncreaseStreamRetentionPeriod(env.ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(8761)})
	wantCode(t, err, "InvalidArgumentException")
	_, err = env.kin.DecreaseStreamRetentionPeriod(env.ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(12)})
	wantCode(t, err, "InvalidArgumentException")
	// Decreasing to 24 h trims at once what is now past it.
	must(env.kin.DecreaseStreamRetentionPeriod(env.ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("s"), RetentionPeriodHours: aws.Int32(24)}))(t)
	if got := read(); got != "" || retention() != 24 {
		t.Fatalf("after decreasing to 24 h: %q (retention %d h)", got, retention())
	}
}

// UpdateStreamMode switches a stream's capacity mode, keeping its shards, at most twice in any
// rolling 24 hours.
func TestUpdateStreamModeTwicePerDay(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 3}}, ReshardDelay: time.Second}, true)
	sum := func() *types.StreamDescriptionSummary {
		return must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t).StreamDescriptionSummary
	}
	arn := sum().StreamARN
	mode := func(m types.StreamMode) error {
		_, err := env.kin.UpdateStreamMode(env.ctx, &kinesis.UpdateStreamModeInput{StreamARN: arn, StreamModeDetails: &types.StreamModeDetails{StreamMode: m}})
		return err
	}
	must(struct{}{}, mode(types.StreamModeOnDemand))(t)
	if s := sum(); s.StreamStatus != types.StreamStatusUpdating || s.StreamModeDetails.StreamMode != types.StreamModeOnDemand || *s.OpenShardCount != 3 {
		t.Fatalf("after switching: %s %s, %d shards", s.StreamStatus, s.StreamModeDetails.StreamMode, *s.OpenShardCount)
	}
	wantCode(t, mode(types.StreamModeProvisioned), "ResourceInUseException") // still UPDATING
	env.clock.Advance(2 * time.Second)
	wantCode(t, mode(types.StreamModeOnDemand), "InvalidArgumentException") // already on demand
	must(struct{}{}, mode(types.StreamModeProvisioned))(t)
	env.clock.Advance(2 * time.Second)
	err := mode(types.StreamModeOnDemand)
	wantCode(t, err, "LimitExceededException")
	if !strings.Contains(apiMessage(err), "at most 2 switches") {
		t.Fatalf("third switch: %q", apiMessage(err))
	}
	env.clock.Advance(24 * time.Hour)
	must(struct{}{}, mode(types.StreamModeOnDemand))(t)
}

// With a DeleteDelay, a deleted stream is DELETING first, as on AWS: described with no shards,
// listed, still taking writes (AWS's DeleteStream says so), its name taken; then it is gone and
// the name is free again.
func TestDeleteStreamIsDeletingFirst(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}, DeleteDelay: 10 * time.Second}, true)
	must(env.kin.DeleteStream(env.ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}))(t)
	d := must(env.kin.DescribeStream(env.ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("s")}))(t).StreamDescription
	if d.StreamStatus != types.StreamStatusDeleting || len(d.Shards) != 0 {
		t.Fatalf("after DeleteStream: %s with %d shards", d.StreamStatus, len(d.Shards))
	}
	if l := must(env.kin.ListStreams(env.ctx, &kinesis.ListStreamsInput{}))(t); len(l.StreamSummaries) != 1 || l.StreamSummaries[0].StreamStatus != types.StreamStatusDeleting {
		t.Fatalf("ListStreams while deleting: %+v", l.StreamSummaries)
	}
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	_, err := env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	wantCode(t, err, "ResourceInUseException")
	_, err = env.kin.DeleteStream(env.ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")})
	wantCode(t, err, "ResourceInUseException")

	env.clock.Advance(10 * time.Second)
	_, err = env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	wantCode(t, err, "ResourceNotFoundException")
	if l := must(env.kin.ListStreams(env.ctx, &kinesis.ListStreamsInput{}))(t); len(l.StreamNames) != 0 {
		t.Fatalf("ListStreams after the deletion: %v", l.StreamNames)
	}
	must(env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}))(t)
}

// DescribeAccountSettings, in the SDKs' models, answers as for an account that never enabled a
// minimum throughput billing commitment.
func TestDescribeAccountSettings(t *testing.T) {
	env := newEnv(t, Config{}, true)
	out := must(env.kin.DescribeAccountSettings(env.ctx, &kinesis.DescribeAccountSettingsInput{}))(t)
	if out.MinimumThroughputBillingCommitment == nil || out.MinimumThroughputBillingCommitment.Status != types.MinimumThroughputBillingCommitmentOutputStatusDisabled {
		t.Fatalf("DescribeAccountSettings: %+v", out.MinimumThroughputBillingCommitment)
	}
}
