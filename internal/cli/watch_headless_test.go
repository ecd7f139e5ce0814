package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
)

// A headless watch of a stream another client loads prints progress lines with the stream's
// figures and the sources' states, and writes a report that matches its schema and holds the
// stream's figures, the sources and what cannot be seen; it exits 0.
func TestWatchHeadlessWritesTheReport(t *testing.T) {
	clearEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	srv, err := emulator.Start(emulator.Config{Streams: []emulator.StreamSpec{{Name: "orders", Shards: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	loaded := make(chan struct{})
	t.Cleanup(func() { cancel(); <-loaded })
	go func() { // another producer: 50 records of 100 bytes every 50 ms
		defer close(loaded)
		kin := sdktest.Kinesis(srv.URL, 0, nil)
		for i := 0; ctx.Err() == nil; i++ {
			var entries []types.PutRecordsRequestEntry
			for j := range 50 {
				entries = append(entries, types.PutRecordsRequestEntry{Data: make([]byte, 100), PartitionKey: aws.String(fmt.Sprint(i*50 + j))})
			}
			kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("orders"), Records: entries})
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()

	report := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut := runMain(t, "watch", "--headless", "--stream", "orders", "--endpoint", srv.URL, "--region", "us-east-1",
		"--duration", "5s", "--progress-every", "1s", "--report", report)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "incoming ") || !strings.Contains(errOut, "open shards 2  sources: CloudWatch stream metrics reading, CloudWatch shard metrics off, KPL metrics none published, shardstorm agents none published, record sample reading") {
		t.Errorf("progress lines:\n%s", errOut)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(metrics.WatchReportSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("watch_report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("watch_report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("the report does not match its schema: %v\n%s", err, raw)
	}
	var rep metrics.WatchReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Stream != "orders" || !(rep.Figures.Stream.RecordsPerSec > 0) || !(rep.Figures.Stream.BytesPerSec > 0) || rep.Figures.OpenShards != 2 ||
		len(rep.Sources) != 5 || len(rep.Unseen) == 0 || len(rep.Findings) != 0 {
		t.Errorf("report:\n%s", raw)
	}
}

// A stream that does not exist fails the watch with a clear message (exit 1).
func TestWatchHeadlessMissingStream(t *testing.T) {
	clearEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	srv, err := emulator.Start(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	code, _, errOut := runMain(t, "watch", "--headless", "--stream", "nope", "--endpoint", srv.URL, "--region", "us-east-1", "--duration", "1s")
	if code != exitError || !strings.Contains(errOut, "stream nope does not exist") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
}

// A stream deleted while it is watched fails the watch, naming the cause (exit 1), and the
// report is still written.
func TestWatchHeadlessStreamDeleted(t *testing.T) {
	clearEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	emu, err := emulator.New(emulator.Config{Streams: []emulator.StreamSpec{{Name: "orders", Shards: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	var listed atomic.Int32 // ListShards calls: the watch has started once it has read the shard map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".ListShards") {
			listed.Add(1)
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	report := filepath.Join(t.TempDir(), "r.json")
	type result struct {
		code   int
		errOut string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut strings.Builder
		code := Main([]string{"watch", "--headless", "--stream", "orders", "--endpoint", srv.URL, "--region", "us-east-1",
			"--duration", "8s", "--report", report}, &out, &errOut)
		done <- result{code, errOut.String()}
	}()
	// Delete the stream once the watch is under way (it has read the shard map).
	kin := sdktest.Kinesis(srv.URL, 0, nil)
	eventually.True(t, 10*time.Second, "the watch to start", func() bool { return listed.Load() > 0 })
	if _, err := kin.DeleteStream(context.Background(), &kinesis.DeleteStreamInput{StreamName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.code != exitError || !strings.Contains(r.errOut, "the watch failed: stream orders does not exist") {
		t.Errorf("exit %d:\n%s", r.code, r.errOut)
	}
	if _, err := os.Stat(report); err != nil {
		t.Errorf("no report: %v", err)
	}
}
