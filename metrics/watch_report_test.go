package metrics_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shardstorm/shardstorm/metrics"
)

func watchReportSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(metrics.WatchReportSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "watch_report.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func sampleWatchReport() metrics.WatchReport {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	nan := metrics.Float(math.NaN())
	return metrics.WatchReport{SchemaVersion: metrics.WatchReportVersion, Stream: "orders", Started: start, Ended: start.Add(time.Minute), DurationSeconds: 60,
		Sources: []metrics.Source{{Name: "CloudWatch stream metrics", Status: "reading", Resolution: "1-minute sums", Cost: "GetMetricData"},
			{Name: "CloudWatch shard metrics", Status: "off", Detail: "enhanced monitoring is off"}},
		Figures: metrics.WatchFigures{PeriodSeconds: 60, Periods: 1, OpenShards: 2,
			Stream: metrics.WatchRates{RecordsPerSec: 500, PeakRecordsPerSec: 700, BytesPerSec: 5e5, PeakBytesPerSec: 7e5, Throttled: 0, ThrottledPerSec: 0, PeakThrottledPerSec: 0},
			Shards: []metrics.WatchShardRates{{ShardID: "shardId-000000000000", WatchRates: metrics.WatchRates{RecordsPerSec: 250, PeakRecordsPerSec: nan,
				BytesPerSec: nan, PeakBytesPerSec: nan, Throttled: nan, ThrottledPerSec: nan, PeakThrottledPerSec: nan}}},
			Agents:      []metrics.WatchAgentRates{{Agent: "a", RecordsPerSec: 10, BytesPerSec: 1000, ErrorsPerSec: nan}},
			AgentsTotal: &metrics.WatchAgentRates{RecordsPerSec: 10, BytesPerSec: 1000, ErrorsPerSec: nan}},
		Findings: []metrics.Finding{{Rule: "hot-shard", Severity: "warning", Title: "Hot shard", Summary: "one shard takes 80%",
			Basis: "from 1-minute CloudWatch sums", FirstSeen: start, LastSeen: start.Add(time.Minute), Active: true}},
		Unseen: []string{"the producer's connection count"}}
}

// A watch report validates against its schema and reads back as written; a figure no source
// gave is null.
func TestWatchReportMatchesItsSchema(t *testing.T) {
	rep := sampleWatchReport()
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := watchReportSchema(t).Validate(inst); err != nil {
		t.Fatalf("the report does not match its schema: %v\n%s", err, buf.String())
	}
	var back metrics.WatchReport
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Figures.Stream.RecordsPerSec != 500 || !math.IsNaN(float64(back.Figures.Shards[0].BytesPerSec)) ||
		back.Findings[0].Basis != "from 1-minute CloudWatch sums" || back.Sources[1].Status != "off" || len(back.Unseen) != 1 {
		t.Errorf("read back: %+v", back)
	}
}

// The schema is strict enough to catch a malformed report.
func TestWatchReportSchemaRejects(t *testing.T) {
	sch := watchReportSchema(t)
	var buf bytes.Buffer
	rep := sampleWatchReport()
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for name, spoil := range map[string]func(m map[string]any){
		"other version":    func(m map[string]any) { m["schema_version"] = 2 },
		"no unseen":        func(m map[string]any) { delete(m, "unseen") },
		"no sources":       func(m map[string]any) { delete(m, "sources") },
		"source no status": func(m map[string]any) { delete(m["sources"].([]any)[0].(map[string]any), "status") },
		"negative rate": func(m map[string]any) {
			m["figures"].(map[string]any)["stream"].(map[string]any)["records_per_sec"] = -1
		},
		"unknown field": func(m map[string]any) { m["extra"] = 1 },
		"bad severity":  func(m map[string]any) { m["findings"].([]any)[0].(map[string]any)["severity"] = "bad" },
		"shard without id": func(m map[string]any) {
			delete(m["figures"].(map[string]any)["shards"].([]any)[0].(map[string]any), "shard_id")
		},
		"started not dated": func(m map[string]any) { m["started"] = "yesterday" },
	} {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		spoil(m)
		b, _ := json.Marshal(m)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}
