package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
)

// The harness for diagnosing a producer shardstorm did not write, end to end, in its "nothing is
// wrong" case: the built emulator serves a stream of 2 shards; AWS's JS SDK, in a Node process of
// its own, writes to it at 30 % of its records capacity with uniform random keys (PutRecords);
// `shardstorm watch --headless`, another process, watches for 20 s. Its report holds the
// stream's figures, the sources it read and what cannot be seen, and no warning.
func TestWatchHeadlessOfANodeProducer(t *testing.T) {
	modules := sdktest.NodeModules(t, "@aws-sdk/client-kinesis")
	bin := buildBinary(t)
	offlineAWS(t)
	emu := startEmulatorBinary(t, bin, "--stream", "node:2")
	url := "http://" + emu.addr

	writer := sdktest.StartWriter(t, modules, sdktest.Writer{Endpoint: url, Stream: "node", RecordsPerSec: 600, RecordBytes: 100,
		HotShare: 0, API: "PutRecords", Duration: 28 * time.Second})

	report := filepath.Join(t.TempDir(), "r.json")
	watch := exec.Command(bin, "watch", "--headless", "--endpoint", url, "--region", "us-east-1", "--stream", "node",
		"--duration", "20s", "--progress-every", "5s", "--report", report)
	var stderr bytes.Buffer
	watch.Stderr = &stderr
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- watch.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("watch: %v\n%s", err, stderr.String())
		}
	case <-time.After(90 * time.Second):
		watch.Process.Kill()
		t.Fatalf("watch --duration 20s still running after 90 s:\n%s", stderr.String())
	}
	t.Logf("watch's lines:\n%s", stderr.String())
	if !strings.Contains(stderr.String(), "incoming ") || !strings.Contains(stderr.String(), "open shards 2") {
		t.Errorf("no progress line with the stream's figures:\n%s", stderr.String())
	}

	tot, err := writer.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the Node writer: %+v", tot)
	if tot.Succeeded == 0 || tot.Failed != 0 {
		t.Fatalf("the Node writer at 30 %% of capacity: %+v", tot)
	}

	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep metrics.WatchReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, raw)
	}
	f := rep.Figures
	if rep.SchemaVersion != 1 || rep.Stream != "node" || f.OpenShards != 2 || f.Periods == 0 ||
		!(f.Stream.RecordsPerSec > 0) || !(f.Stream.PeakRecordsPerSec >= f.Stream.RecordsPerSec) || !(f.Stream.BytesPerSec > 0) {
		t.Errorf("the report lacks the stream's figures:\n%s", raw)
	}
	if thr := float64(f.Stream.Throttled); !math.IsNaN(thr) && thr != 0 {
		t.Errorf("throttles at 30 %% of capacity: %v\n%s", thr, raw)
	}
	var names []string
	for _, s := range rep.Sources {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"CloudWatch stream metrics", "CloudWatch shard metrics", "KPL metrics", "shardstorm agents", "record sample"}) ||
		rep.Sources[0].Status != "reading" || len(rep.Unseen) == 0 {
		t.Errorf("sources %q, unseen %q:\n%s", names, rep.Unseen, raw)
	}
	for _, fd := range rep.Findings {
		if fd.Severity == "warning" || fd.Severity == "critical" {
			t.Errorf("a %s finding at 30 %% of capacity with uniform keys: %s: %s", fd.Severity, fd.Title, fd.Summary)
		}
	}
}
