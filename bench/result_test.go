package main

import (
	"math"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/emulator"
)

func encodedLatencies(t *testing.T, ms ...int64) string {
	t.Helper()
	h := hdrhistogram.New(1, int64(time.Hour/time.Microsecond), 3)
	for _, v := range ms {
		if err := h.RecordValue(v * 1000); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(enc)
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestSummarizeTakesRatesFromTheEmulatorWindow(t *testing.T) {
	sit, _ := situationByName("4p")
	tot := func(bytes, userBytes, users, kinesis, throttled int64) emulator.StreamStats {
		return emulator.StreamStats{Total: emulator.ShardStats{AcceptedBytes: bytes, AcceptedUserBytes: userBytes,
			AcceptedUserRecords: users, AcceptedRecords: kinesis, ThrottledRecords: throttled}}
	}
	final := tot(0, 0, 1500, 300, 100)
	final.PutRecordsRequests = 40
	run := cellRun{
		Cell: Cell{sit, ContenderShardstorm}, Shards: 8, MeanRecordBytes: 1032, OfferedRate: 12192,
		WindowFrom: tot(10*mib, 9*mib, 1000, 100, 0), WindowTo: tot(210*mib, 189*mib, 201000, 2100, 0), Window: 25 * time.Second,
		Final: final, EmulatorCPU: 3 * time.Second,
		Children: []childRun{
			{Report: childReport{Buckets: Buckets{Generated: 1000, Delivered: 700, NotSentFull: 300}, WriteRequests: 30,
				Latency: encodedLatencies(t, 10, 20, 30, 40)}, CPU: 2 * time.Second, PeakRSS: 100 * mib},
			{Report: childReport{Buckets: Buckets{Generated: 900, Delivered: 800, PendingAtEnd: 100}, WriteRequests: 12,
				Latency: encodedLatencies(t, 50, 60, 70, 1000), LastError: "late"}, CPU: time.Second, PeakRSS: 300 * mib},
		},
	}
	c, err := summarize(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"delivered MiB/s", c.DeliveredMiBPerSec, 200.0 / 25},
		{"user MiB/s", c.DeliveredUserMiBPerSec, 180.0 / 25},
		{"user records/s", c.DeliveredRecordsPerSec, 200000.0 / 25},
		{"Kinesis records/s", c.KinesisRecordsPerSec, 2000.0 / 25},
		{"% of bytes", c.ByteCapacityPct, 100},
		{"% of records bound", c.RecordBoundPct, 100},
		{"throttled", c.ThrottledFraction, 0.25},
		{"offered MiB/s", c.OfferedMiBPerSec, 12192 * 1032.0 / mib},
		{"CPU", c.CPUSeconds, 3},
		{"CPU per million", c.CPUSecondsPerMillion, 3 / 0.0015},
		{"peak RSS (the largest process)", c.PeakRSSMiB, 300},
		{"p50 over both producers", c.LatencyP50Ms, 40},
		{"p99", c.LatencyP99Ms, 1000},
	} {
		if !near(f.got, f.want) && math.Abs(f.got-f.want) > f.want*0.001 { // HDR keeps 3 significant figures
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if c.Producers != 2 || c.WriteRequests != 42 || c.EmulatorWriteRequests != 40 || c.LastError != "late" {
		t.Errorf("counts: %+v", c)
	}
	want := Buckets{Generated: 1900, Delivered: 1500, NotSentFull: 300, PendingAtEnd: 100}
	if c.Buckets != want || !c.Accounting.Accounted || c.Accounting.GroundTruth != 1500 {
		t.Errorf("buckets %+v, accounting %+v", c.Buckets, c.Accounting)
	}
}

func TestSummarizeRefusesACorruptHistogram(t *testing.T) {
	sit, _ := situationByName("1p-1kb")
	_, err := summarize(cellRun{Cell: Cell{sit, ContenderKPL}, Shards: 8, Children: []childRun{{Report: childReport{Latency: "not a histogram"}}}})
	if err == nil {
		t.Fatal("a report with a corrupt histogram must be refused")
	}
}
