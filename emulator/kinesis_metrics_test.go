package emulator

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// metricSum reads one AWS/Kinesis metric's statistic over [from, to) in one period, through the
// real CloudWatch client.
func metricSum(t *testing.T, env *testEnv, name, stat string, dims map[string]string, from, to time.Time) (float64, bool) {
	t.Helper()
	var d []cwtypes.Dimension
	for k, v := range dims {
		d = append(d, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(v)})
	}
	out := must(env.cw.GetMetricData(env.ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(from), EndTime: aws.Time(to),
		MetricDataQueries: []cwtypes.MetricDataQuery{{
			Id: aws.String("m"),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String("AWS/Kinesis"), MetricName: aws.String(name), Dimensions: d},
				Period: aws.Int32(int32(to.Sub(from).Seconds())), Stat: aws.String(stat),
			},
		}},
	}))(t)
	r := out.MetricDataResults[0]
	if len(r.Values) == 0 {
		return 0, false
	}
	return r.Values[0], true
}

// The metrics Kinesis publishes, read back with the real CloudWatch client, agree with what the
// emulator served: stream level always, shard level only once enhanced monitoring is on.
func TestKinesisMetricsAgreeWithWrites(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}}, true)
	put := func(n int) {
		must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("single")}))(t)
		for range n {
			must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entriesSpread(500, 200)}))(t)
		}
	}
	put(6) // 3000 records at one instant on 2 shards: most throttle
	st, _ := env.emu.StreamStats("s")
	if st.Total.ThrottledRecords == 0 {
		t.Fatal("setup: expected throttling")
	}
	from, to := t0, t0.Add(time.Minute)
	sdims := map[string]string{"StreamName": "s"}
	for _, c := range []struct {
		metric, stat string
		want         float64
	}{
		{"IncomingRecords", "Sum", float64(st.Total.AcceptedRecords)},
		{"IncomingBytes", "Sum", float64(st.Total.AcceptedBytes)},
		{"WriteProvisionedThroughputExceeded", "Sum", float64(st.Total.ThrottledRecords)},
		{"PutRecords.TotalRecords", "Sum", 3000},
		{"PutRecords.ThrottledRecords", "Sum", float64(st.Total.ThrottledRecords)},
		{"PutRecords.Success", "SampleCount", 6}, // one sample per call
		{"PutRecord.Success", "Sum", 1},
		{"PutRecord.Bytes", "Sum", 7},
	} {
		got, ok := metricSum(t, env, c.metric, c.stat, sdims, from, to)
		if !ok || got != c.want {
			t.Errorf("%s %s = %v (data: %v), want %v", c.metric, c.stat, got, ok, c.want)
		}
	}
	shard0 := map[string]string{"StreamName": "s", "ShardId": "shardId-000000000000"}
	if _, ok := metricSum(t, env, "IncomingRecords", "Sum", shard0, from, to); ok {
		t.Fatal("shard-level data before EnableEnhancedMonitoring")
	}

	must(env.kin.EnableEnhancedMonitoring(env.ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("s"), ShardLevelMetrics: []ktypes.MetricsName{ktypes.MetricsNameAll}}))(t)
	env.clock.Advance(time.Minute)
	before, _ := env.emu.StreamStats("s")
	put(2)
	after, _ := env.emu.StreamStats("s")
	from, to = t0.Add(time.Minute), t0.Add(2*time.Minute)
	for i, sh := range after.Shards {
		dims := map[string]string{"StreamName": "s", "ShardId": sh.ShardID}
		got, _ := metricSum(t, env, "IncomingRecords", "Sum", dims, from, to)
		if want := float64(sh.AcceptedRecords - before.Shards[i].AcceptedRecords); got != want {
			t.Errorf("%s IncomingRecords = %v, want %v", sh.ShardID, got, want)
		}
		got, _ = metricSum(t, env, "WriteProvisionedThroughputExceeded", "Sum", dims, from, to)
		if want := float64(sh.ThrottledRecords - before.Shards[i].ThrottledRecords); got != want {
			t.Errorf("%s WriteProvisionedThroughputExceeded = %v, want %v", sh.ShardID, got, want)
		}
	}
	lm := must(env.cw.ListMetrics(env.ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/Kinesis"), MetricName: aws.String("IncomingBytes")}))(t)
	if len(lm.Metrics) != 3 { // the stream and its two shards
		t.Fatalf("ListMetrics IncomingBytes: %d metrics, want 3", len(lm.Metrics))
	}
}
