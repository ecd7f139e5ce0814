package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// Ingest benchmarks: how fast the emulator takes PutRecords over loopback HTTP. The target is
// 64 shards' worth of writes (64 MiB/s) on one core:
//
//	go test ./emulator -run '^$' -bench Ingest -benchmem -cpu 1 -count 6 | tee new.txt
//	benchstat new.txt
//
// The write limits are lifted so every record takes the full path (accounting, sequence number,
// retention) rather than the cheaper throttle path; retention is small so memory stays flat.

var ingestCases = []struct {
	name    string
	records int
	size    int // data + partition key bytes per record
}{
	{"aggregated-50KB", 200, 50_000}, // KPL aggregates: 200 × 50 KB ≈ 9.5 MiB per request
	{"small-100B", 500, 100},
}

// ingestShards are the stream sizes measured: 64 shards, and a 10,000-shard stream (the large
// streams people load-test: routing, accounting and metrics must not grow with the shard count).
var ingestShards = []int{64, 10_000}

func ingestEnv(b *testing.B, shards int) *testEnv {
	cfg := Config{
		Streams: []StreamSpec{{Name: "s", Shards: shards}},
		Limits: Limits{ShardBytesPerSec: 1 << 32, ShardBytesBurst: 1 << 32, ShardRecordsPerSec: 1 << 32, ShardRecordsBurst: 1 << 32,
			ShardLimit: max(shards, DefaultLimits().ShardLimit)},
		// 256 MiB retained in all, however many shards: memory stays flat, so the figure is
		// the write path's, not the garbage collector's.
		RetainBytesPerShard: 256 * mib / int64(shards),
	}
	return newEnv(b, cfg, false)
}

func ingestEntries(n, size int) []putEntryJSON {
	out := make([]putEntryJSON, n)
	for i := range out {
		key := fmt.Sprintf("key-%06d", i)
		out[i] = putEntryJSON{Data: bytes.Repeat([]byte{byte(i)}, size-len(key)), PartitionKey: key}
	}
	return out
}

type putEntryJSON struct {
	Data         []byte
	PartitionKey string
}

// BenchmarkIngestRawHTTP posts a pre-encoded PutRecords body, so the figure is the emulator's
// own cost (HTTP, JSON decoding, limits, storage, response) and not the client's.
func BenchmarkIngestRawHTTP(b *testing.B) {
	for _, shards := range ingestShards {
		for _, c := range ingestCases {
			b.Run(fmt.Sprintf("shards=%d/%s", shards, c.name), func(b *testing.B) {
				benchRawPut(b, ingestEnv(b, shards), c.records, c.size)
			})
		}
	}
}

// BenchmarkIngestEnhancedMonitoring is the 100-byte case with every shard-level metric on: each
// request then adds samples for every shard it touched (~490 of 10,000 for 500 random keys), so
// this shows what enhanced monitoring costs a write on a large stream.
func BenchmarkIngestEnhancedMonitoring(b *testing.B) {
	for _, shards := range ingestShards {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			env := ingestEnv(b, shards)
			if _, err := env.kin.EnableEnhancedMonitoring(env.ctx, &kinesis.EnableEnhancedMonitoringInput{
				StreamName: aws.String("s"), ShardLevelMetrics: []types.MetricsName{types.MetricsNameAll}}); err != nil {
				b.Fatal(err)
			}
			benchRawPut(b, env, 500, 100)
		})
	}
}

// benchRawPut posts one pre-encoded PutRecords body of n records of size bytes, b.N times.
func benchRawPut(b *testing.B, env *testEnv, n, size int) {
	body, _ := json.Marshal(map[string]any{"StreamName": "s", "Records": ingestEntries(n, size)})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.SetBytes(int64(n * size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL, bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "Kinesis_20131202.PutRecords")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	st, _ := env.emu.StreamStats("s")
	if st.Total.ThrottledRecords != 0 || st.Total.AcceptedRecords != int64(n*b.N) {
		b.Fatalf("not every record took the accept path: %+v", st.Total)
	}
}

// BenchmarkIngestSDK is the same through the real aws-sdk-go-v2 client, in the same process:
// the client's encoding shares the core with the emulator.
func BenchmarkIngestSDK(b *testing.B) {
	for _, c := range ingestCases {
		b.Run(c.name, func(b *testing.B) {
			env := ingestEnv(b, 64)
			recs := entries(c.records, c.size, "key-000000")
			b.SetBytes(int64(c.records * c.size))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				out, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: recs})
				if err != nil {
					b.Fatal(err)
				}
				if *out.FailedRecordCount != 0 {
					b.Fatalf("%d records failed", *out.FailedRecordCount)
				}
			}
			b.ReportMetric(float64(c.records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
