package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// scrape fetches the handler's output and parses it with Prometheus's own text parser.
func scrape(t testing.TB, s *metrics.Sampler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(metrics.NewPrometheusHandler(s.Store()))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", ct)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v\n%s", err, body)
	}
	return fams
}

// value finds the sample of a family whose labels include all of want.
func value(t testing.TB, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	f := fams[name]
	if f == nil {
		t.Fatalf("no family %s", name)
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue()
		case dto.MetricType_SUMMARY:
			return float64(m.GetSummary().GetSampleCount())
		}
	}
	t.Fatalf("%s has no sample with labels %v", name, want)
	return 0
}

// The endpoint serves counters, gauges and latency summaries with stream and shard labels that
// Prometheus's parser reads back as the sampled values — an awkward stream name included.
func TestPrometheusExpositionParses(t *testing.T) {
	a, b := "shardId-000000000000", "shardId-000000000001"
	fp := newFakeProducer(a, b)
	fw := &fakeWorkload{}
	stream := `we"ird\name`
	s := newSampler(t, metrics.Config{Stream: stream, Producer: fp, Workload: fw, Offered: &metrics.OfferCounter{}})
	if fams := scrape(t, s); len(fams) != 0 {
		t.Fatalf("before the first sample the exposition should be empty, got %d families", len(fams))
	}
	s.Sample(t0)
	if fams := scrape(t, s); value(t, fams, "shardstorm_open_shards", map[string]string{"stream": stream}) != 2 {
		t.Fatal("the baseline's exposition (no errors, no rates yet) should parse and list the shards")
	}
	fw.edit(func(w *workload.Stats) { w.Scheduled, w.Emitted, w.Dropped = 1000, 990, 10 })
	fp.edit(func(st *producer.Stats) {
		st.Stream.UserRecordsReceived, st.Stream.KinesisRecordsPut, st.Stream.KinesisBytesPut = 990, 120, 98765
		st.Stream.FailedMaybeStored, st.Stream.FailedNotStored, st.Stream.AckedMaybeDuplicated = 6, 2, 4
		sa := shardOf(st, a)
		sa.KinesisBytesPut, sa.Throttles, sa.RecordTokens = 54321, 17, 123.5
		sa.ErrorsByCode["ProvisionedThroughputExceededException"] = 17
		shardOf(st, b).ErrorsByCode["InternalFailure"] = 3
		for range 10 {
			_ = st.Stream.RequestTime.RecordValue(40_000)
		}
	})
	s.Sample(t0.Add(time.Second))
	fams := scrape(t, s)

	sl := map[string]string{"stream": stream}
	al := map[string]string{"stream": stream, "shard": a}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"shardstorm_kinesis_bytes_put_total", sl, 98765},
		{"shardstorm_throttled_records_total", sl, 17},
		{"shardstorm_errors_total", map[string]string{"stream": stream, "code": "InternalFailure"}, 3},
		{"shardstorm_workload_dropped_records_total", sl, 10},
		{"shardstorm_offered_records_total", sl, 990},
		{"shardstorm_open_shards", sl, 2},
		{"shardstorm_failed_records_by_outcome_total", map[string]string{"stream": stream, "outcome": "maybe_stored"}, 6},
		{"shardstorm_failed_records_by_outcome_total", map[string]string{"stream": stream, "outcome": "not_stored"}, 2},
		{"shardstorm_failed_records_by_outcome_total", map[string]string{"stream": stream, "outcome": "never_sent"}, 0},
		{"shardstorm_possible_duplicates_total", sl, 4},
		{"shardstorm_request_seconds", sl, 10}, // summary: its count
		{"shardstorm_shard_kinesis_bytes_put_total", al, 54321},
		{"shardstorm_shard_throttled_records_total", al, 17},
		{"shardstorm_shard_errors_total", map[string]string{"shard": a, "code": "ProvisionedThroughputExceededException"}, 17},
		{"shardstorm_shard_record_tokens", al, 123.5},
		{"shardstorm_shard_offered_records_total", al, 0},
	} {
		if got := value(t, fams, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	q := fams["shardstorm_request_seconds"].Metric[0].GetSummary()
	for _, qt := range q.Quantile {
		if qt.GetQuantile() == 0.99 && !near(qt.GetValue(), 0.040, 0.0001) {
			t.Errorf("request p99 = %v s, want 0.040 (the interval's)", qt.GetValue())
		}
	}
	if !near(q.GetSampleSum(), 0.4, 0.001) {
		t.Errorf("request latency sum = %v s, want 0.4", q.GetSampleSum())
	}
	if n := len(fams["shardstorm_shard_record_capacity"].Metric); n != 2 {
		t.Errorf("per-shard gauge has %d samples, want one per shard", n)
	}
}
