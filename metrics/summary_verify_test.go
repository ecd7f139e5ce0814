package metrics_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shardstorm/shardstorm/metrics"
)

// A summary with a read-back validates against the schema and reads back whole; one without has
// no verify field at all.
func TestSummaryVerifySection(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	sum := s.Summary(t0, nil)
	raw, _ := validateSummary(t, sum)
	if strings.Contains(string(raw), `"verify"`) {
		t.Fatalf("a summary without --verify has a verify field:\n%s", raw)
	}
	sum.Verify = &metrics.VerifySummary{RunID: "0f3a9c2e", EnvelopeBytes: 27, Records: 10,
		Acknowledged: metrics.VerifyBucket{Found: 8, NotFound: 1}, MaybeStored: metrics.VerifyBucket{Found: 1},
		StoredOnce: 8, StoredMoreThanOnce: 1, ExtraCopies: 1, DuplicatesAfterRetry: 1, Missing: 1, MissingSample: []uint64{4},
		Cost: metrics.VerifyCost{Shards: 4, GetRecordsCalls: 9, Bytes: 1234, Seconds: 2.5}}
	_, back := validateSummary(t, sum)
	if back.Verify == nil || back.Verify.Missing != 1 || back.Verify.Acknowledged.NotFound != 1 || back.Verify.Cost.GetRecordsCalls != 9 {
		t.Fatalf("verify section read back as %+v", back.Verify)
	}
}

// The schema holds the verify section to its shape: a missing count or a bad run id is refused.
func TestSummarySchemaRejectsMalformedVerify(t *testing.T) {
	fp := newFakeProducer("shardId-000000000000")
	s := newSampler(t, metrics.Config{Producer: fp})
	sum := s.Summary(t0, nil)
	sum.Verify = &metrics.VerifySummary{RunID: "0f3a9c2e", EnvelopeBytes: 27, MissingSample: []uint64{}}
	var buf bytes.Buffer
	if err := sum.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	sch := summarySchema(t)
	for name, mutate := range map[string]func(v map[string]any){
		"no missing":        func(v map[string]any) { delete(v, "missing") },
		"bad run id":        func(v map[string]any) { v["run_id"] = "XYZ" },
		"negative found":    func(v map[string]any) { v["acknowledged"].(map[string]any)["found"] = -1 },
		"cost without time": func(v map[string]any) { delete(v["cost"].(map[string]any), "seconds") },
	} {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		mutate(m["verify"].(map[string]any))
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
