package cloudwatch

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/producer"
)

func TestCWHistoryFixedMemoryAndRevisions(t *testing.T) {
	var h pointHistory
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	for s := int64(0); s < 50; s++ {
		h.merge([]Point{{at(s), float64(s)}}, 10)
	}
	if len(h.secs) != 10 || h.secs[0] != 40 || cap(h.secs) > 64 {
		t.Fatalf("kept %v (cap %d), want the last 10", h.secs, cap(h.secs))
	}
	// A revised period replaces its value; a late one is inserted in order.
	h.merge([]Point{{at(45), 100}, {at(49), 200}}, 10)
	h.merge([]Point{{at(60), 1}, {at(55), 2}}, 10)
	pts := h.points()
	if len(pts) != 10 || pts[3].Value != 100 || pts[7].Value != 200 || pts[8].Time.Unix() != 55 || pts[9].Time.Unix() != 60 {
		t.Errorf("points %v", pts)
	}
	if l, _ := h.latest(); l.Time.Unix() != 60 {
		t.Errorf("latest %v", l)
	}
}

func TestCWBackoffBoundsAndJitter(t *testing.T) {
	if d := backoffAfter(time.Second, time.Minute, 0); d != time.Second {
		t.Errorf("no failures: %v, want the interval", d)
	}
	seen := map[time.Duration]bool{}
	for failures := 1; failures <= 40; failures++ {
		want := min(time.Second<<min(failures-1, 30), time.Minute)
		for range 20 {
			d := backoffAfter(time.Second, time.Minute, failures)
			if d < want/2 || d > want {
				t.Fatalf("failures %d: %v outside [%v, %v]", failures, d, want/2, want)
			}
			seen[d] = true
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct waits: no jitter?", len(seen))
	}
}

func responseError(status int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: fmt.Errorf("status %d", status)}}
}

func TestCWErrorClassification(t *testing.T) {
	api := func(code string, fault smithy.ErrorFault) error {
		return fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: code, Message: "m", Fault: fault})
	}
	for _, c := range []struct {
		err             error
		denied, invalid bool
	}{
		{api("AccessDenied", smithy.FaultClient), true, false},
		{api("AccessDeniedException", smithy.FaultUnknown), true, false},
		{api("ExpiredToken", smithy.FaultClient), true, false},
		{responseError(403), true, false},
		{api("Throttling", smithy.FaultClient), false, false},
		{api("LimitExceeded", smithy.FaultClient), false, false},
		{api("InvalidParameterValue", smithy.FaultClient), false, true},
		{api("InternalServiceError", smithy.FaultServer), false, false},
		{responseError(503), false, false},
		{fmt.Errorf("dial tcp: connection refused"), false, false},
	} {
		if got := accessDenied(c.err); got != c.denied {
			t.Errorf("%v: denied %v, want %v", c.err, got, c.denied)
		}
		if got := invalidRequest(c.err); got != c.invalid {
			t.Errorf("%v: invalid request %v, want %v", c.err, got, c.invalid)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	if PeriodFor("") != time.Minute || PeriodFor("http://127.0.0.1:4567") != time.Second {
		t.Error("PeriodFor")
	}
	aws := DefaultConfig("s", "")
	if aws.Period != time.Minute || aws.Interval != time.Minute || aws.BackoffMax != 10*time.Minute || aws.Validate() != nil {
		t.Errorf("AWS defaults %+v", aws)
	}
	local := DefaultConfig("s", "http://127.0.0.1:4567")
	if local.Period != time.Second || local.Interval != time.Second || local.BackoffMax != 30*time.Second {
		t.Errorf("emulator defaults %+v", local)
	}
	bad := local
	bad.Period = 1500 * time.Millisecond
	bad.StreamName = ""
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "whole seconds") || !strings.Contains(err.Error(), "StreamName") {
		t.Errorf("Validate = %v", err)
	}
	pub := DefaultPublisherConfig("s", "")
	if !pub.Enabled || pub.Namespace != "KinesisProducerLibrary" || pub.Interval != time.Minute || pub.StorageResolution != 60 || pub.Granularity != PublisherStream {
		t.Errorf("publisher AWS defaults %+v", pub)
	}
	if pl := DefaultPublisherConfig("s", "http://x"); pl.Interval != time.Second || pl.StorageResolution != 1 {
		t.Errorf("publisher emulator defaults %+v", pl)
	}
	if _, err := ParsePublisherGranularity("partition"); err == nil {
		t.Error("ParsePublisherGranularity accepted nonsense")
	}
}

// Datums are split by the 1 MB request limit too, before 1000 of them are reached.
func TestCWBatchesRespectRequestSize(t *testing.T) {
	long := strings.Repeat("v", 250)
	var dims []types.Dimension
	for i := range 30 {
		dims = append(dims, cwDim(fmt.Sprintf("D%d", i), long))
	}
	var datums []types.MetricDatum
	for range 300 {
		datums = append(datums, types.MetricDatum{MetricName: aws.String("M"), Dimensions: dims, Value: aws.Float64(1)})
	}
	batches := cwBatches(datums)
	if len(batches) < 2 {
		t.Fatalf("%d batches for ~2.4 MB of datums", len(batches))
	}
	n := 0
	for _, b := range batches {
		size := putOverhead
		for _, d := range b {
			size += datumSize(d)
		}
		if size > maxPutBytes || len(b) > maxDatumsPerPut {
			t.Errorf("batch of %d datums, ~%d bytes", len(b), size)
		}
		n += len(b)
	}
	if n != 300 {
		t.Errorf("%d datums in batches, want 300", n)
	}
	if got := cwBatches(make([]types.MetricDatum, 2500)); len(got) != 3 || len(got[0]) != 1000 || len(got[2]) != 500 {
		t.Errorf("2500 small datums: %d batches", len(got))
	}
}

func cwHist(values ...int64) *hdrhistogram.Histogram {
	h := hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
	for _, v := range values {
		h.RecordValue(v)
	}
	return h
}

// An interval's ratios and mean latencies are over the interval, not since start; a counter
// that went backwards counts from zero; a ratio with nothing to divide is not published.
func TestCWDeltaStatsAndGranularity(t *testing.T) {
	prev := producer.Stats{Stream: producer.StreamStats{UserRecordsPut: 100, KinesisRecordsPut: 100, Requests: 10, RequestRecords: 100,
		UserRecordsPending: 7, ErrorsByCode: map[string]int64{"A": 3},
		BufferingTime: cwHist(1000, 1000), RequestTime: cwHist(5000), EndToEndTime: cwHist()},
		Shards: []producer.ShardStats{{ShardID: "a", UserRecordsPut: 100, KinesisRecordsPut: 100}}}
	cur := producer.Stats{Stream: producer.StreamStats{UserRecordsPut: 160, KinesisRecordsPut: 110, Requests: 11, RequestRecords: 110,
		UserRecordsPending: 4, ErrorsByCode: map[string]int64{"A": 3, "B": 2},
		BufferingTime: cwHist(1000, 1000, 9000), RequestTime: cwHist(5000), EndToEndTime: cwHist()},
		Shards: []producer.ShardStats{{ShardID: "a", UserRecordsPut: 50, KinesisRecordsPut: 5}, {ShardID: "b", UserRecordsPut: 10, KinesisRecordsPut: 1}}}
	d := deltaStats(prev, cur)
	m := d.KPLMetrics()
	if m["UserRecordsPut"] != 60 || m["UserRecordsPerKinesisRecord"] != 6 || m["UserRecordsPending"] != 4 ||
		m["ErrorsByCode.B"] != 2 || m["AllErrors"] != 2 || math.Abs(m["BufferingTime"]-9) > 0.01 || m["RequestTime"] != 0 {
		t.Errorf("interval metrics %v", m)
	}
	if _, ok := m["ErrorsByCode.A"]; ok {
		t.Error("a code with no errors in the interval is published")
	}
	if d.Shards[0].UserRecordsPut != 50 || d.Shards[1].UserRecordsPut != 10 {
		t.Errorf("shard deltas %+v", d.Shards)
	}

	at := time.Unix(1000, 0)
	count := func(g PublisherGranularity) map[string]int {
		out := map[string]int{}
		for _, dt := range kplDatums(d, PublisherConfig{StreamName: "s", Granularity: g, StorageResolution: 60}.withDefaults(), at) {
			var names []string
			for _, dim := range dt.Dimensions {
				names = append(names, aws.ToString(dim.Name))
			}
			key := aws.ToString(dt.MetricName) + "[" + strings.Join(names, ",") + "]"
			out[key]++
			if aws.ToInt32(dt.StorageResolution) != 60 || !dt.Timestamp.Equal(at) {
				t.Errorf("datum %s: resolution %d at %v", key, aws.ToInt32(dt.StorageResolution), dt.Timestamp)
			}
		}
		return out
	}
	global, stream, shard := count(PublisherGlobal), count(PublisherStream), count(PublisherShard)
	if global["UserRecordsPut[]"] != 1 || global["UserRecordsPut[StreamName]"] != 0 || global["ErrorsByCode[ErrorCode]"] != 1 {
		t.Errorf("global: %v", global)
	}
	if stream["UserRecordsPut[]"] != 1 || stream["UserRecordsPut[StreamName]"] != 1 || stream["ErrorsByCode[StreamName,ErrorCode]"] != 1 ||
		stream["UserRecordsPut[StreamName,ShardId]"] != 0 {
		t.Errorf("stream: %v", stream)
	}
	if shard["UserRecordsPut[StreamName,ShardId]"] != 2 || shard["UserRecordsPut[StreamName]"] != 1 {
		t.Errorf("shard: %v", shard)
	}
	// Request Time had no requests in the interval: no value, nothing published.
	if global["Request Time[]"] != 0 || global["RequestTime[]"] != 0 || global["BufferingTime[]"] != 1 || global["RetriesPerRecord[]"] != 1 {
		t.Errorf("ratios and means: %v", global)
	}
}

// With an Agent set every datum carries Agent=<name> besides its granularity's dimensions, and
// the four metrics whose KPL names have spaces are published under those names.
func TestCWDatumsCarryAgentAndKPLNames(t *testing.T) {
	d := producer.Stats{Stream: producer.StreamStats{UserRecordsPut: 10, KinesisRecordsPut: 5, Requests: 1, RequestRecords: 5,
		ErrorsByCode:  map[string]int64{"KMSAccessDeniedException": 1},
		BufferingTime: cwHist(1000), RequestTime: cwHist(5000), EndToEndTime: cwHist()},
		Shards: []producer.ShardStats{{ShardID: "a", UserRecordsPut: 10, KinesisRecordsPut: 5}}}
	cfg := PublisherConfig{StreamName: "s", Granularity: PublisherShard, Agent: "a1"}.withDefaults()
	names := map[string]bool{}
	for _, dt := range kplDatums(d, cfg, time.Unix(1000, 0)) {
		names[aws.ToString(dt.MetricName)] = true
		var agent []string
		for _, dim := range dt.Dimensions {
			if aws.ToString(dim.Name) == AgentDimension {
				agent = append(agent, aws.ToString(dim.Value))
			}
		}
		if len(agent) != 1 || agent[0] != "a1" {
			t.Errorf("%s %v: Agent dimension %v, want exactly a1", aws.ToString(dt.MetricName), dt.Dimensions, agent)
		}
	}
	for _, n := range []string{"Request Time", "User Records per Kinesis Record", "Amazon Kinesis Records per PutRecordsRequest",
		"User Records per PutRecordsRequest", "BufferingTime", "ErrorsByCode"} {
		if !names[n] {
			t.Errorf("no datum named %q in %v", n, names)
		}
	}
	for _, n := range []string{"RequestTime", "UserRecordsPerKinesisRecord"} {
		if names[n] {
			t.Errorf("datum named %q: the KPL does not publish that name", n)
		}
	}
}
