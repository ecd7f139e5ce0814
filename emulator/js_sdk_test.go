package emulator

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// The AWS JS SDK v3 at its defaults — HTTP/2 for Kinesis, awsJson1_0 in query mode for
// CloudWatch — creates and waits for a stream, writes, pages ListShards, reads back, and queries
// CloudWatch, with typed errors and request ids.
func TestJSSDKAtItsDefaults(t *testing.T) {
	t.Parallel() // a client in a process of its own: seconds of its start-up, nothing shared
	modules := sdktest.NodeModules(t, "@aws-sdk/client-kinesis", "@aws-sdk/client-cloudwatch")
	srv, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cmd := exec.Command("node", "testdata/js_sdk.cjs", srv.URL, modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got struct {
		KinesisVersion, CloudwatchVersion string
		KinesisFailure, CloudwatchFailure string
		Waiter                            string
		PutFailed                         int
		RequestID                         string
		Shards, ListPages                 int
		ReadBack                          []string
		MissingStream                     *struct {
			Name      string
			Status    int
			RequestID string
		}
		GMD struct {
			Values     []float64
			Status     string
			Timestamps []int64
		}
		GMS []struct {
			Sum, Count, Max float64
			Unit            string
			At              int64
		}
		Metrics []string
		CWError *struct {
			Name, Code string
			Status     int
		}
		At int64
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node printed %q: %v", out, err)
	}
	if got.KinesisFailure != "" || got.CloudwatchFailure != "" {
		t.Fatalf("JS SDK (client-kinesis %s, client-cloudwatch %s) failed:\nKinesis: %s\nCloudWatch: %s",
			got.KinesisVersion, got.CloudwatchVersion, got.KinesisFailure, got.CloudwatchFailure)
	}
	if got.Waiter != "SUCCESS" || got.PutFailed != 0 || !uuidPattern.MatchString(got.RequestID) || got.Shards != 3 || got.ListPages != 3 {
		t.Errorf("Kinesis through the JS SDK: %+v", got)
	}
	if len(got.ReadBack) != 30 || !strings.HasPrefix(got.ReadBack[0], "record ") {
		t.Errorf("read back %d records: %v", len(got.ReadBack), got.ReadBack)
	}
	if m := got.MissingStream; m == nil || m.Name != "ResourceNotFoundException" || m.Status != 400 || !uuidPattern.MatchString(m.RequestID) {
		t.Errorf("a missing stream through the JS SDK: %+v", m)
	}
	minute := got.At / 60 * 60
	if len(got.GMD.Values) != 1 || got.GMD.Values[0] != 34 || got.GMD.Status != "Complete" || got.GMD.Timestamps[0] != minute {
		t.Errorf("GetMetricData through the JS SDK: %+v", got.GMD)
	}
	if len(got.GMS) != 1 || got.GMS[0].Sum != 34 || got.GMS[0].Count != 4 || got.GMS[0].Max != 11 || got.GMS[0].Unit != "Count" || got.GMS[0].At != minute {
		t.Errorf("GetMetricStatistics through the JS SDK: %+v", got.GMS)
	}
	if len(got.Metrics) != 1 || got.Metrics[0] != "Hits" {
		t.Errorf("ListMetrics through the JS SDK: %v", got.Metrics)
	}
	if e := got.CWError; e == nil || e.Name != "InvalidParameterValueException" || e.Status != 400 {
		t.Errorf("a bad unit through the JS SDK: %+v", e)
	}
}
