package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
)

// The advisor in watch mode, end to end, on producers shardstorm did not write: AWS's JS SDK
// writing from a Node process of its own (sdktest.Writer), or KPL metrics published by a
// client of CloudWatch, while `shardstorm watch --headless` runs in another process against
// the built emulator. Each test waits for the finding's line in the watch's output (no sleep),
// then stops the watch with SIGINT and reads its report.

// watchedFinding is a watch run until a finding line: its report and its output.
type watchedFinding struct {
	report metrics.WatchReport
	raw    []byte
	lines  string
}

// watchProcess is `shardstorm watch --headless` running on a stream, its output collected.
type watchProcess struct {
	cmd    *exec.Cmd
	report string
	mu     sync.Mutex
	out    strings.Builder
	grew   chan struct{} // closed and replaced at every line
}

// startWatch starts a headless watch of stream at url.
func startWatch(t *testing.T, bin, url, stream string) *watchProcess {
	t.Helper()
	w := &watchProcess{report: filepath.Join(t.TempDir(), "watch.json"), grew: make(chan struct{})}
	w.cmd = exec.Command(bin, "watch", "--headless", "--endpoint", url, "--region", "us-east-1", "--stream", stream,
		"--duration", "5m", "--progress-every", "2s", "--report", w.report)
	pipe, err := w.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			w.cmd.Process.Kill()
			w.cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			w.mu.Lock()
			w.out.WriteString(sc.Text() + "\n")
			close(w.grew)
			w.grew = make(chan struct{})
			w.mu.Unlock()
		}
		io.Copy(io.Discard, pipe)
	}()
	return w
}

// output is what the watch printed so far, and a channel closed at its next line.
func (w *watchProcess) output() (string, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.String(), w.grew
}

// waitFor waits until done holds for the watch's output, failing the test after timeout.
func (w *watchProcess) waitFor(t *testing.T, timeout time.Duration, what string, done func(out string) bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		out, grew := w.output()
		if done(out) {
			return
		}
		select {
		case <-grew:
		case <-deadline:
			t.Fatalf("%s: not within %v of the watch's start:\n%s", what, timeout, out)
		}
	}
}

// stop interrupts the watch and reads its report.
func (w *watchProcess) stop(t *testing.T) watchedFinding {
	t.Helper()
	w.cmd.Process.Signal(syscall.SIGINT)
	err := w.cmd.Wait()
	out, _ := w.output()
	if err != nil {
		t.Fatalf("watch ended with %v after SIGINT:\n%s", err, out)
	}
	raw, err := os.ReadFile(w.report)
	if err != nil {
		t.Fatal(err)
	}
	wf := watchedFinding{raw: raw, lines: out}
	if err := json.Unmarshal(raw, &wf.report); err != nil {
		t.Fatalf("report: %v\n%s", err, raw)
	}
	return wf
}

// watchUntil runs a headless watch on stream until its output holds a line with every one of
// want (failing the test after timeout), then interrupts it and returns its report.
func watchUntil(t *testing.T, bin, url, stream string, timeout time.Duration, want ...string) watchedFinding {
	t.Helper()
	w := startWatch(t, bin, url, stream)
	w.waitFor(t, timeout, fmt.Sprintf("a line with %q", want), func(out string) bool {
		for _, line := range strings.Split(out, "\n") {
			if containsAll(line, want) {
				return true
			}
		}
		return false
	})
	return w.stop(t)
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// finding returns the report's finding of rule (failing the test without one).
func (w watchedFinding) finding(t *testing.T, rule string) metrics.Finding {
	t.Helper()
	for _, f := range w.report.Findings {
		if f.Rule == rule {
			return f
		}
	}
	t.Fatalf("no %s finding in the report:\n%s\nwatch's lines:\n%s", rule, w.raw, w.lines)
	return metrics.Finding{}
}

// nodeWriter starts the built emulator with stream (shards open), and AWS's JS SDK writing to it.
func nodeWriter(t *testing.T, bin, stream string, shards int, w sdktest.Writer) (url string) {
	t.Helper()
	modules := sdktest.NodeModules(t, "@aws-sdk/client-kinesis")
	offlineAWS(t)
	emu := startEmulatorBinary(t, bin, "--stream", fmt.Sprintf("%s:%d", stream, shards))
	url = "http://" + emu.addr
	w.Endpoint, w.Stream = url, stream
	sdktest.StartWriter(t, modules, w)
	return url
}

// shardOfKey is the shard of an evenly split stream of n shards (as the emulator creates it)
// that a partition key lands on.
func shardOfKey(key string, n int) string {
	h := hashkey.OfPartitionKey(key).Big()
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	idx := new(big.Int).Div(new(big.Int).Mul(h, big.NewInt(int64(n))), space)
	return fmt.Sprintf("shardId-%012d", idx.Int64())
}

// 70 % of the records on one key over 4 shards: the watch names the key and its shard within
// 30 s of its start, from the record sample (the key) and CloudWatch (the throttles).
func TestWatchNamesTheHotKeyOfANodeProducer(t *testing.T) {
	bin := buildBinary(t)
	url := nodeWriter(t, bin, "hot", 4, sdktest.Writer{RecordsPerSec: 1800, RecordBytes: 200, HotShare: 0.7, API: "PutRecords", Duration: 2 * time.Minute})
	w := watchUntil(t, bin, url, "hot", 45*time.Second, "finding [", "Hot partition key")
	f := w.finding(t, "hot-shard")
	if want := shardOfKey("hot-key", 4); f.Key != "hot-key" || f.ShardID != want {
		t.Errorf("the finding names key %q on %s; the writer's hot key is \"hot-key\" on %s:\n%+v", f.Key, f.ShardID, want, f)
	}
	after := f.FirstSeen.Sub(w.report.Started)
	if after > 30*time.Second {
		t.Errorf("the hot key was named %v after the watch started; want ≤ 30 s", after)
	}
	t.Logf("named %v after the watch started", after.Round(100*time.Millisecond))
	if !strings.Contains(f.Basis, "sample") {
		t.Errorf("the key must rest on the record sample; basis %q", f.Basis)
	}
	t.Logf("%s: %s\n  advice: %s\n  basis: %s", f.Title, f.Summary, f.Advice, f.Basis)
}

// 60-byte unaggregated records at ~1,300 records/s per shard on 2 shards: the records limit
// binds far below the bytes limit, and the advice is to aggregate.
func TestWatchFindsANodeProducerRecordBound(t *testing.T) {
	bin := buildBinary(t)
	url := nodeWriter(t, bin, "small", 2, sdktest.Writer{RecordsPerSec: 2600, RecordBytes: 60, API: "PutRecords", Duration: 2 * time.Minute})
	w := watchUntil(t, bin, url, "small", 60*time.Second, "finding [", "Records limit binds, not bytes")
	f := w.finding(t, "record-bound")
	if !strings.Contains(strings.ToLower(f.Advice), "aggregat") {
		t.Errorf("record-bound without the aggregation advice: %+v", f)
	}
	t.Logf("%s: %s\n  advice: %s\n  basis: %s", f.Title, f.Summary, f.Advice, f.Basis)
}

// Uniform keys at 150 % of the bytes capacity of 2 shards: stream capacity, with the shard
// count the measured peak needs.
func TestWatchSizesTheStreamOfANodeProducer(t *testing.T) {
	bin := buildBinary(t)
	// 160 records of 20 KiB a second: 3.1 MiB/s against 2 MiB/s, 160 records/s against 2,000.
	url := nodeWriter(t, bin, "full", 2, sdktest.Writer{RecordsPerSec: 160, RecordBytes: 20 << 10, API: "PutRecords", Duration: 2 * time.Minute})
	w := watchUntil(t, bin, url, "full", 60*time.Second, "finding [", "Stream capacity exhausted")
	f := w.finding(t, "stream-capacity")
	need, _ := f.Evidence["shards_needed"].(float64)
	if need < 3 || !strings.Contains(f.Advice, "UpdateShardCount") || f.Evidence["binding_limit"] != "bytes" {
		t.Errorf("stream capacity at 150 %% of 2 shards' bytes: want ≥ 3 shards via UpdateShardCount, bytes binding: %+v", f)
	}
	t.Logf("%s: %s\n  advice: %s\n  basis: %s", f.Title, f.Summary, f.Advice, f.Basis)
}

// A KPL application that publishes its metrics (namespace KinesisProducerLibrary, StreamName
// dimension, the KPL's names) with records expiring and KMS access denied: the watch raises
// both findings, naming the KPL's metrics as their source. The test publishes the datums
// itself, as the KPL's metrics uploader would, once a second.
func TestWatchReadsAKPLApplicationsMetrics(t *testing.T) {
	bin := buildBinary(t)
	offlineAWS(t)
	emu := startEmulatorBinary(t, bin, "--stream", "kpl:2")
	url := "http://" + emu.addr
	cw := sdktest.CloudWatch(url, 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	published := make(chan struct{})
	t.Cleanup(func() { cancel(); <-published })
	go func() {
		defer close(published)
		dim := func(name, value string) cwtypes.Dimension {
			return cwtypes.Dimension{Name: aws.String(name), Value: aws.String(value)}
		}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for ctx.Err() == nil {
			now := time.Now()
			datum := func(name string, v float64, unit cwtypes.StandardUnit, dims ...cwtypes.Dimension) cwtypes.MetricDatum {
				return cwtypes.MetricDatum{MetricName: aws.String(name), Value: aws.Float64(v), Unit: unit, Timestamp: aws.Time(now),
					StorageResolution: aws.Int32(1), Dimensions: append([]cwtypes.Dimension{dim("StreamName", "kpl")}, dims...)}
			}
			cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("KinesisProducerLibrary"), MetricData: []cwtypes.MetricDatum{
				datum("UserRecordsReceived", 500, cwtypes.StandardUnitCount),
				datum("UserRecordsPut", 380, cwtypes.StandardUnitCount),
				datum("UserRecordExpired", 60, cwtypes.StandardUnitCount),
				datum("ErrorsByCode", 45, cwtypes.StandardUnitCount, dim("ErrorCode", "KMSAccessDeniedException")),
				datum("AllErrors", 45, cwtypes.StandardUnitCount),
			}})
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	}()

	w := startWatch(t, bin, url, "kpl")
	w.waitFor(t, 60*time.Second, "the KMS and expiry findings", func(out string) bool {
		return strings.Contains(out, "finding [critical] KMS permission denied") && strings.Contains(out, "finding [critical] Records expiring before Kinesis accepts them")
	})
	r := w.stop(t)
	for _, rule := range []string{"kms-access-denied", "records-expiring"} {
		f := r.finding(t, rule)
		if !strings.Contains(f.Basis, "KPL") || !strings.Contains(f.Basis, "KinesisProducerLibrary") {
			t.Errorf("%s must name the KPL's metrics as its source; basis %q", rule, f.Basis)
		}
		t.Logf("%s: %s\n  advice: %s\n  basis: %s", f.Title, f.Summary, f.Advice, f.Basis)
	}
	if f := r.finding(t, "kms-access-denied"); !strings.Contains(f.Advice, "kms:GenerateDataKey") {
		t.Errorf("KMS access denied without the permission to grant: %+v", f)
	}
	for _, s := range r.report.Sources {
		if s.Name == "KPL metrics" && s.Status != "reading" {
			t.Errorf("the KPL metrics source: %+v", s)
		}
	}
}

// Three headless agents (`run --publish-metrics`, each its own process and --agent name) load one
// stream; one watch, started before them and stopped after, shows each agent and their sum:
// each agent's user records as the watch read them from CloudWatch are what its own report
// says its producer acknowledged, and the sum is theirs.
func TestWatchShowsAFleetOfAgentsAsOne(t *testing.T) {
	bin := buildBinary(t)
	offlineAWS(t)
	emu := startEmulatorBinary(t, bin, "--stream", "fleet:4")
	url := "http://" + emu.addr
	w := startWatch(t, bin, url, "fleet")
	w.waitFor(t, 30*time.Second, "the first progress line with figures", func(out string) bool { return strings.Contains(out, "open shards 4") })

	agents := []string{"agent-a", "agent-b", "agent-c"}
	acked := map[string]int64{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, name := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			report := filepath.Join(t.TempDir(), name+".json")
			code, _, stderr := runBinary(t, bin, "run", "--headless", "--endpoint", url, "--region", "us-east-1", "--stream", "fleet",
				"--rate", fmt.Sprint(200*(i+1)), "--duration", "8s", "--seed", fmt.Sprint(i+1),
				"--publish-metrics", "--agent", name, "--report", report)
			if code != 0 {
				t.Errorf("agent %s: exit %d\n%s", name, code, stderr)
				return
			}
			raw, err := os.ReadFile(report)
			if err != nil {
				t.Error(err)
				return
			}
			var sum metrics.Summary
			if err := json.Unmarshal(raw, &sum); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			acked[name] = sum.Accounting.Acknowledged
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	// Each agent's last publication follows its drain; the watch reads the agents' namespace
	// every second over the last 10 periods. Five more progress lines (10 s) cover its reads.
	out, _ := w.output()
	lines := strings.Count(out, "\n")
	w.waitFor(t, 60*time.Second, "five more progress lines", func(out string) bool { return strings.Count(out, "\n") >= lines+5 })
	r := w.stop(t)

	f := r.report.Figures
	if len(f.Agents) != len(agents) || f.AgentsTotal == nil {
		t.Fatalf("the watch shows agents %+v (total %+v); want %q\n%s", f.Agents, f.AgentsTotal, agents, r.raw)
	}
	var total int64
	for i, a := range f.Agents {
		if a.Agent != agents[i] || int64(a.Records) != acked[a.Agent] {
			t.Errorf("agent %q: the watch read %v user records; its report acknowledged %d", a.Agent, a.Records, acked[a.Agent])
		}
		total += acked[a.Agent]
	}
	if int64(f.AgentsTotal.Records) != total {
		t.Errorf("the agents' sum: the watch read %v user records; their reports acknowledged %d", f.AgentsTotal.Records, total)
	}
	if !strings.Contains(r.lines, "agents 3: ") {
		t.Errorf("no progress line shows the three agents:\n%s", r.lines)
	}
	t.Logf("agents %+v, total %+v (acknowledged %v)", f.Agents, *f.AgentsTotal, acked)
}

// Devices calling PutRecord, one record a call (AWS's JS SDK, 300 calls/s on 2 shards; 50 a second make the finding): the
// watch says so from the stream's PutRecord.* metrics and advises batching with PutRecords.
func TestWatchSeesManySmallPutRecordCalls(t *testing.T) {
	bin := buildBinary(t)
	url := nodeWriter(t, bin, "devices", 2, sdktest.Writer{RecordsPerSec: 300, RecordBytes: 120, API: "PutRecord", Duration: 2 * time.Minute})
	w := watchUntil(t, bin, url, "devices", 60*time.Second, "finding [", "Many single-record PutRecord calls")
	f := w.finding(t, "small-putrecord-calls")
	if !strings.Contains(f.Advice, "PutRecords") || !strings.Contains(f.Basis, "CloudWatch") {
		t.Errorf("many PutRecord calls without the batching advice or its source: %+v", f)
	}
	t.Logf("%s: %s\n  advice: %s\n  basis: %s", f.Title, f.Summary, f.Advice, f.Basis)
}
