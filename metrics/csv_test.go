package metrics_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

type csvRow struct {
	t                     time.Time
	stream, shard, series string
	v                     float64
}

func readCSV(t *testing.T, b []byte) []csvRow {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "time,stream,shard,series,value" {
		t.Fatalf("header %v", recs[0])
	}
	var out []csvRow
	for _, r := range recs[1:] {
		tm, err := time.Parse(time.RFC3339Nano, r[0])
		if err != nil {
			t.Fatalf("time %q: %v", r[0], err)
		}
		v, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatalf("value %q: %v", r[4], err)
		}
		out = append(out, csvRow{tm, r[1], r[2], r[3], v})
	}
	return out
}

// runSamples drives a two-shard stream through n samples one second apart: shard a puts 1000
// bytes/s and is throttled from sample 3 on, when a record a second starts failing maybe stored.
func runSamples(s *metrics.Sampler, fp *fakeProducer, n int) {
	s.Sample(t0)
	for i := 1; i <= n; i++ {
		fp.edit(func(st *producer.Stats) {
			st.Stream.KinesisBytesPut += 1000
			sa := shardOf(st, "shardId-000000000000")
			sa.KinesisBytesPut += 1000
			if i >= 3 {
				sa.ErrorsByCode["ProvisionedThroughputExceededException"] += 2
				st.Stream.Failed++
				st.Stream.FailedMaybeStored++
			}
		})
		s.Sample(t0.Add(time.Duration(i) * time.Second))
	}
}

// The window's CSV has one row per value of every series in the store, stream and shards, and
// agrees with Series.
func TestStoreCSVMatchesSeries(t *testing.T) {
	a, b := "shardId-000000000000", "shardId-000000000001"
	fp := newFakeProducer(a, b)
	s := newSampler(t, metrics.Config{Stream: "orders", Producer: fp, Interval: time.Second, Window: 5 * time.Second})
	runSamples(s, fp, 8) // more than the window's 5 points
	var buf bytes.Buffer
	if err := s.Store().WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	count := map[[2]string]int{}
	for _, r := range rows {
		if r.stream != "orders" {
			t.Fatalf("row with stream %q", r.stream)
		}
		count[[2]string{r.shard, r.series}]++
	}
	for _, key := range [][2]string{{"", "put_bytes"}, {a, "put_bytes"}, {b, "rate_percent"}, {a, "errors.ProvisionedThroughputExceededException"}} {
		pts := s.Store().Series(key[1], key[0], time.Time{})
		if len(pts) != 5 || count[key] != len(pts) {
			t.Errorf("%v: %d rows, %d points, want 5 each", key, count[key], len(pts))
		}
	}
	for _, r := range rows {
		if r.shard == a && r.series == "put_bytes" && r.v != 1000 {
			t.Fatalf("shard a put_bytes row %+v, want 1000", r)
		}
		if r.shard == a && r.series == "errors.ProvisionedThroughputExceededException" && r.v != 2 {
			t.Fatalf("error row %+v, want 2/s (the window starts after the errors began)", r)
		}
		if r.series == "scheduled_records" {
			t.Fatal("a workload series without a workload")
		}
	}
	if first := rows[0].t; !first.Equal(t0.Add(4 * time.Second)) {
		t.Fatalf("first row at %v, want the window's oldest sample at +4s", first)
	}
}

// CSVWriter, fed by OnSample, keeps every sample of a run longer than the window.
func TestCSVWriterStreamsWholeRun(t *testing.T) {
	a := "shardId-000000000000"
	fp := newFakeProducer(a, "shardId-000000000001")
	var buf bytes.Buffer
	w := metrics.NewCSVWriter(&buf, "orders")
	s := newSampler(t, metrics.Config{Stream: "orders", Producer: fp, Interval: time.Second, Window: 5 * time.Second, OnSample: w.Write})
	runSamples(s, fp, 20)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var put, errs, maybe int
	for _, r := range readCSV(t, buf.Bytes()) {
		if r.series == "maybe_stored" {
			if r.shard != "" || r.v != 0 && r.v != 1 {
				t.Fatalf("maybe_stored is a stream series of 0 or 1/s here: %+v", r)
			}
			maybe += int(r.v)
		}
		if r.shard == a && r.series == "put_bytes" {
			put++
		}
		if r.shard == a && r.series == "errors.ProvisionedThroughputExceededException" {
			errs++
		}
	}
	if put != 20 || errs != 18 || maybe != 18 {
		t.Fatalf("streamed %d put_bytes and %d error rows for shard a, %d maybe stored records; want 20, 18, 18", put, errs, maybe)
	}
}
