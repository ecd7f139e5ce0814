package metrics_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// summarySchema compiles the embedded schema, asserting formats (date-time) too.
func summarySchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(metrics.SummarySchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "summary.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validateSummary writes sum as JSON, validates it against the schema and decodes it back as a
// user of the file would.
func validateSummary(t testing.TB, sum metrics.Summary) (raw []byte, back metrics.Summary) {
	t.Helper()
	var buf bytes.Buffer
	if err := sum.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := summarySchema(t).Validate(inst); err != nil {
		t.Fatalf("summary does not match its schema: %v\n%s", err, buf.String())
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), back
}

// A run with a workload: the summary validates against its schema; totals, throughput against
// capacity, the accounting identity and the per-shard table (retired shard included) hold the
// numbers the sources gave.
func TestSummaryFromRun(t *testing.T) {
	a, b, c := "shardId-000000000000", "shardId-000000000001", "shardId-000000000002"
	fp := newFakeProducer(a, b)
	fw := &fakeWorkload{}
	offers := &metrics.OfferCounter{}
	s := newSampler(t, metrics.Config{Stream: "orders", Producer: fp, Workload: fw, Offered: offers})
	s.Sample(t0)
	// 10 s with 2 shards: capacity 20 shard-seconds = 20,000 records, 20 MiB.
	for range 1000 {
		offers.OnRecordRouted(a, "k", 100)
	}
	fw.edit(func(w *workload.Stats) {
		w.Scheduled, w.Emitted, w.EmittedBytes, w.Dropped, w.DroppedFull = 1200, 1100, 110_000, 100, 100
		w.Shape, w.Keys, w.Size, w.Payload, w.Seed = "constant", "random", "100", "random", 7
	})
	fp.edit(func(st *producer.Stats) {
		st.Stream.UserRecordsReceived = 1100
		st.Stream.UserRecordsPut, st.Stream.UserBytesPut = 1000, 100_000
		st.Stream.KinesisRecordsPut, st.Stream.KinesisBytesPut = 2000, 5<<20
		st.Stream.Requests, st.Stream.RequestRecords = 10, 2000
		st.Stream.Failed, st.Stream.Expired = 40, 10
		st.Stream.FailedMaybeStored, st.Stream.FailedNotStored, st.Stream.FailedNeverSent = 25, 5, 10
		st.Stream.AckedMaybeDuplicated = 7
		st.Stream.UserRecordsPending = 60
		sa := shardOf(st, a)
		sa.KinesisRecordsPut, sa.KinesisBytesPut, sa.Throttles = 1500, 4<<20, 500
		sa.ErrorsByCode["ProvisionedThroughputExceededException"] = 500
		_ = st.Stream.EndToEndTime.RecordValue(12_000)
	})
	s.Sample(t0.Add(10 * time.Second))
	fp.setShards(a, c) // b retires
	sum := s.Summary(t0.Add(10*time.Second+time.Millisecond), map[string]any{"rate": 1000})
	_, back := validateSummary(t, sum)

	if back.Stream != "orders" || back.Config.(map[string]any)["rate"] != 1000.0 {
		t.Fatalf("stream/config not carried: %q %v", back.Stream, back.Config)
	}
	acc := back.Accounting
	// 1200 scheduled = 1000 acknowledged + 25 maybe stored + 5 not stored + 10 never sent
	// + 100 dropped + 60 pending; 40 failed, of which 10 expired; 7 possible duplicates.
	if !acc.Holds || acc.Difference != 0 || acc.Scheduled != 1200 || acc.Acknowledged != 1000 || acc.MaybeStored != 25 ||
		acc.NotStored != 5 || acc.NeverSent != 10 || acc.Failed != 40 || acc.Expired != 10 || acc.PossibleDuplicates != 7 ||
		acc.Dropped != 100 || acc.Pending != 60 || acc.ScheduledSource != "workload" || back.SchemaVersion != 2 {
		t.Fatalf("accounting: %+v (schema version %d)", acc, back.SchemaVersion)
	}
	if back.Totals.ThrottledRecords != 500 || back.Totals.ErrorsByCode["ProvisionedThroughputExceededException"] != 500 {
		t.Fatalf("totals: %+v", back.Totals)
	}
	tp := back.Throughput
	if !near(float64(tp.KinesisMiBPerSec), 0.5, 1e-3) || !near(float64(tp.BytesPctOfCapacity), 25, 0.1) ||
		!near(float64(tp.RecordsPctOfCapacity), 10, 0.1) || !near(float64(tp.ThrottledFraction), 0.2, 1e-9) ||
		!near(float64(tp.OfferedRecordsPerSec), 110, 0.1) || !near(float64(tp.UserRecordsPerKinesisRecord), 0.5, 1e-9) {
		t.Fatalf("throughput: %+v", tp)
	}
	if l := back.Latency.EndToEnd; l.Count != 1 || !near(float64(l.P99), 12, 0.02) {
		t.Fatalf("end-to-end latency: %+v", l)
	}
	if !math.IsNaN(float64(back.Latency.Request.P50)) || back.Latency.Request.Count != 0 {
		t.Fatalf("request latency with no requests should be null: %+v", back.Latency.Request)
	}
	if len(back.Shards) != 3 {
		t.Fatalf("shards: %+v", back.Shards)
	}
	rowA, rowB := back.Shards[0], back.Shards[1]
	if rowA.ShardID != a || !rowA.Open || rowA.ThrottledRecords != 500 || *rowA.OfferedRecords != 1000 ||
		!near(float64(rowA.BytesPctOfCapacity), 40, 0.1) || !near(float64(rowA.ThrottledFraction), 0.25, 1e-9) {
		t.Fatalf("shard a: %+v", rowA)
	}
	if rowB.ShardID != b || rowB.Open {
		t.Fatalf("retired shard b should be listed, not open: %+v", rowB)
	}
	if back.Findings == nil || len(back.Findings) != 0 {
		t.Fatalf("findings should be an empty list until the advisor fills it: %v", back.Findings)
	}
}

// Without a workload, the producer's accepted records are the scheduled ones; a record that is
// neither resolved nor pending breaks the identity, and the summary says so.
func TestSummaryAccountingWithoutWorkloadAndBroken(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	fp.edit(func(st *producer.Stats) {
		st.Stream.UserRecordsReceived, st.Stream.UserRecordsPut = 100, 99
	})
	sum := s.Summary(t0, nil)
	raw, back := validateSummary(t, sum)
	if back.Accounting.Holds || back.Accounting.Difference != 1 || back.Accounting.ScheduledSource != "producer" {
		t.Fatalf("a lost record must break the identity: %+v", back.Accounting)
	}
	if back.Workload != nil || !strings.Contains(string(raw), `"workload": null`) {
		t.Fatalf("workload should be null without a workload source")
	}
	// A zero-length run has no rates: null, never NaN (which JSON cannot hold).
	if !strings.Contains(string(raw), `"kinesis_mib_per_sec": null`) {
		t.Fatalf("rates over no time should be null:\n%s", raw)
	}
}

// Records the workload's sink refused with an error never reached the producer: they count as
// never sent, so the identity still holds and the failed total includes them.
func TestSummarySinkRefusalsAreNeverSent(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	fw := &fakeWorkload{}
	s := newSampler(t, metrics.Config{Producer: fp, Workload: fw})
	fw.edit(func(w *workload.Stats) { w.Scheduled, w.Emitted, w.Failed = 13, 10, 3 })
	fp.edit(func(st *producer.Stats) {
		st.Stream.UserRecordsReceived, st.Stream.UserRecordsPut = 10, 8
		st.Stream.Failed, st.Stream.FailedNotStored, st.Stream.FailedMaybeStored = 2, 1, 1
	})
	_, back := validateSummary(t, s.Summary(t0, nil))
	if a := back.Accounting; !a.Holds || a.NeverSent != 3 || a.Failed != 5 || a.Acknowledged != 8 {
		t.Fatalf("sink refusals should be never sent: %+v", a)
	}
}

// The schema is strict enough to catch a malformed summary.
func TestSummarySchemaRejectsMalformed(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	var buf bytes.Buffer
	sum := s.Summary(t0, nil)
	if err := sum.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	sch := summarySchema(t)
	for name, mutate := range map[string]func(m map[string]any){
		"holds not boolean":  func(m map[string]any) { m["accounting"].(map[string]any)["holds"] = "yes" },
		"no maybe_stored":    func(m map[string]any) { delete(m["accounting"].(map[string]any), "maybe_stored") },
		"v1 succeeded":       func(m map[string]any) { m["accounting"].(map[string]any)["succeeded"] = 1 },
		"old version":        func(m map[string]any) { m["schema_version"] = 1 },
		"negative count":     func(m map[string]any) { m["totals"].(map[string]any)["retries"] = -1 },
		"unknown field":      func(m map[string]any) { m["extra"] = 1 },
		"missing shards":     func(m map[string]any) { delete(m, "shards") },
		"bad time":           func(m map[string]any) { m["started"] = "yesterday" },
		"fraction above one": func(m map[string]any) { m["throughput"].(map[string]any)["throttled_fraction"] = 1.5 },
		"bad finding":        func(m map[string]any) { m["findings"] = []any{map[string]any{"rule": "x"}} },
	} {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		mutate(m)
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

// A run that ends in the same instant as its last sample (virtual time; a coarse clock) still
// reports the counts as they are at the end, not as that sample read them.
func TestSummaryCountsWhatResolvedSinceASampleAtTheSameInstant(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	s.Sample(t0)
	fp.edit(func(st *producer.Stats) { st.Stream.UserRecordsReceived, st.Stream.UserRecordsPending = 100, 100 })
	s.Sample(t0.Add(time.Second))
	fp.edit(func(st *producer.Stats) {
		st.Stream.UserRecordsPending, st.Stream.UserRecordsPut = 0, 100
		st.Stream.Requests++
	})
	sum := s.Summary(t0.Add(time.Second), nil)
	if a := sum.Accounting; a.Pending != 0 || a.Acknowledged != 100 || !a.Holds {
		t.Fatalf("summary at the last sample's instant: %+v, want 100 succeeded, 0 pending", a)
	}
	if n := s.Store().Len(); n != 1 {
		t.Errorf("the store holds %d samples, want 1 (no zero-length interval)", n)
	}
}
