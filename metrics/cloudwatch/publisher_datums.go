package cloudwatch

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/shardstorm/shardstorm/producer"
)

// kplDenominator gives, for a KPL metric that is a ratio or a mean, the count it is taken
// over: with none of those in the interval the metric has no value, and the KPL publishes
// nothing for it rather than a misleading 0.
func kplDenominator(name string, d producer.StreamStats) (count int64, ratio bool) {
	switch name {
	case "RetriesPerRecord":
		return d.UserRecordsPut, true
	case "UserRecordsPerKinesisRecord":
		return d.KinesisRecordsPut, true
	case "KinesisRecordsPerPutRecordsRequest", "UserRecordsPerPutRecordsRequest":
		return d.Requests, true
	case "BufferingTime":
		return d.BufferingTime.TotalCount(), true
	case "RequestTime":
		return d.RequestTime.TotalCount(), true
	}
	return 0, false
}

// kplUnit is the unit of a KPL metric.
func kplUnit(name string) types.StandardUnit {
	switch {
	case strings.HasSuffix(name, "DataPut"):
		return types.StandardUnitBytes
	case name == "BufferingTime" || name == "RequestTime":
		return types.StandardUnitMilliseconds
	}
	return types.StandardUnitCount
}

const errorsByCodePrefix = "ErrorsByCode."

// AgentDimension is the dimension a shardstorm agent adds to every datum it publishes
// (PublisherConfig.Agent), so that one agent's series stay apart from another's and from a
// KPL application's plain series in the same namespace.
const AgentDimension = "Agent"

// kplCloudWatchNames maps the producer's metric keys (producer.Stats.KPLMetrics, one word
// each) to the names the KPL really publishes in CloudWatch, which for four metrics have
// spaces and other words ("Monitor the Kinesis Producer Library with Amazon CloudWatch", the
// KPL's list of metrics). Dashboards and alarms made for the KPL look for these.
var kplCloudWatchNames = map[string]string{
	"RequestTime":                        "Request Time",
	"UserRecordsPerKinesisRecord":        "User Records per Kinesis Record",
	"KinesisRecordsPerPutRecordsRequest": "Amazon Kinesis Records per PutRecordsRequest",
	"UserRecordsPerPutRecordsRequest":    "User Records per PutRecordsRequest",
}

// kplCloudWatchName is the KPL's CloudWatch name of a producer metric key.
func kplCloudWatchName(key string) string {
	if n, ok := kplCloudWatchNames[key]; ok {
		return n
	}
	return key
}

// kplDatums turns one interval (a deltaStats) into datums stamped at, under every
// dimension set the granularity asks for. Names are the KPL's CloudWatch names
// (kplCloudWatchName); "ErrorsByCode.<code>" becomes the KPL's ErrorsByCode metric with an
// ErrorCode dimension. With cfg.Agent set every datum also carries Agent=<name>.
func kplDatums(d producer.Stats, cfg PublisherConfig, at time.Time) []types.MetricDatum {
	level := cfg.Granularity.level()
	var scopes [][]types.Dimension // the dimension sets of stream-wide figures
	scopes = append(scopes, nil)
	if level >= 1 {
		scopes = append(scopes, []types.Dimension{cwDim("StreamName", cfg.StreamName)})
	}
	var out []types.MetricDatum
	add := func(name string, dims []types.Dimension, v float64) {
		unit := kplUnit(name)
		dims = append([]types.Dimension(nil), dims...)
		if code, ok := strings.CutPrefix(name, errorsByCodePrefix); ok {
			name, dims = "ErrorsByCode", append(dims, cwDim("ErrorCode", code))
		}
		if cfg.Agent != "" {
			dims = append(dims, cwDim(AgentDimension, cfg.Agent))
		}
		name = kplCloudWatchName(name)
		out = append(out, types.MetricDatum{
			MetricName: aws.String(name), Dimensions: dims, Value: aws.Float64(v), Unit: unit,
			Timestamp: aws.Time(at), StorageResolution: aws.Int32(cfg.StorageResolution),
		})
	}
	m := d.KPLMetrics()
	for _, name := range sortedKeys(m) {
		if n, ratio := kplDenominator(name, d.Stream); ratio && n == 0 {
			continue
		}
		for _, dims := range scopes {
			add(name, dims, m[name])
		}
	}
	if level < 2 {
		return out
	}
	for _, sh := range d.Shards {
		dims := []types.Dimension{cwDim("StreamName", cfg.StreamName), cwDim("ShardId", sh.ShardID)}
		var all int64
		for _, code := range sortedKeys(sh.ErrorsByCode) {
			add(errorsByCodePrefix+code, dims, float64(sh.ErrorsByCode[code]))
			all += sh.ErrorsByCode[code]
		}
		add("AllErrors", dims, float64(all))
		add("UserRecordsPut", dims, float64(sh.UserRecordsPut))
		add("UserRecordsDataPut", dims, float64(sh.UserBytesPut))
		add("KinesisRecordsPut", dims, float64(sh.KinesisRecordsPut))
		add("KinesisRecordsDataPut", dims, float64(sh.KinesisBytesPut))
		add("UserRecordExpired", dims, float64(sh.Expired))
		if sh.KinesisRecordsPut > 0 {
			add("UserRecordsPerKinesisRecord", dims, float64(sh.UserRecordsPut)/float64(sh.KinesisRecordsPut))
		}
	}
	return out
}

func cwDim(name, value string) types.Dimension {
	return types.Dimension{Name: aws.String(name), Value: aws.String(value)}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
