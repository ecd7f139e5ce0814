package emulator

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// pythonWithBoto3 finds a Python that imports boto3: the one on PATH, else Debian's (which is
// where `apt-get install python3-boto3` puts it). Under CI (CI=true) a missing boto3 fails the
// test — .ci/run installs it — elsewhere it skips.
func pythonWithBoto3(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if err := exec.Command(py, "-c", "import boto3").Run(); err == nil {
			return py
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no python3 with boto3: .ci/run installs python3-boto3")
	}
	t.Skip("no python3 with boto3 (apt-get install python3-boto3)")
	return ""
}

// boto3's CloudWatch client, in each of CloudWatch's three protocols, writes, queries and lists
// metrics and gets a typed error: the emulator serves clients nobody here wrote, at their
// defaults but for the protocol the script selects.
func TestBoto3CloudWatchInEveryProtocol(t *testing.T) {
	t.Parallel() // a client in a process of its own: seconds of its start-up, nothing shared
	py := pythonWithBoto3(t)
	srv, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, protocol := range []string{"smithy-rpc-v2-cbor", "json", "query"} {
		t.Run(protocol, func(t *testing.T) {
			cmd := exec.Command(py, "testdata/boto3_cloudwatch.py", srv.URL, protocol)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("boto3 (%s): %v\n%s", protocol, err, stderr.String())
			}
			var got struct {
				Skipped  string
				Protocol string
				Botocore string
				GMD      struct {
					Values     []float64
					Status     string
					Timestamps []int64
				}
				RequestID string `json:"request_id"`
				GMS       []struct {
					Sum, Count, Max float64
					Unit            string
					At              int64
				}
				Metrics []string
				Error   *struct {
					Code, Class string
					Status      int
				}
				At int64
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("boto3 printed %q: %v", out, err)
			}
			if got.Skipped != "" {
				if protocol == "smithy-rpc-v2-cbor" { // older botocore (Debian's) predates it; the Go SDK covers CBOR
					t.Skip(got.Skipped)
				}
				t.Fatal(got.Skipped)
			}
			minute := got.At / 60 * 60
			if got.Protocol != protocol || len(got.GMD.Values) != 1 || got.GMD.Values[0] != 34 || got.GMD.Status != "Complete" ||
				got.GMD.Timestamps[0] != minute || !uuidPattern.MatchString(got.RequestID) {
				t.Errorf("GetMetricData through boto3 %s (%s): %+v", got.Protocol, got.Botocore, got)
			}
			if len(got.GMS) != 1 || got.GMS[0].Sum != 34 || got.GMS[0].Count != 4 || got.GMS[0].Max != 11 || got.GMS[0].Unit != "Count" || got.GMS[0].At != minute {
				t.Errorf("GetMetricStatistics through boto3 %s: %+v", protocol, got.GMS)
			}
			if len(got.Metrics) != 1 || got.Metrics[0] != "Hits" {
				t.Errorf("ListMetrics through boto3 %s: %v", protocol, got.Metrics)
			}
			if got.Error == nil || got.Error.Code != "InvalidParameterValue" || got.Error.Class != "InvalidParameterValueException" || got.Error.Status != 400 {
				t.Errorf("a bad unit through boto3 %s: %+v", protocol, got.Error)
			}
		})
	}
}

// boto3's Kinesis client at its defaults goes through AWS's lifecycle on the emulator (CREATING
// and DELETING last a while, its waiters wait them out), writes, pages ListShards, reads back,
// and gets AWS's error shapes: codes, classes, statuses and request ids.
func TestBoto3KinesisLifecycleAndErrors(t *testing.T) {
	t.Parallel() // a client in a process of its own: seconds of its start-up, nothing shared
	py := pythonWithBoto3(t)
	srv, err := Start(Config{CreateDelay: 1500 * time.Millisecond, DeleteDelay: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cmd := exec.Command(py, "testdata/boto3_kinesis.py", srv.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, stderr.String())
	}
	type apiErr struct {
		Code, Class string
		Status      int
		RequestID   string `json:"request_id"`
	}
	var got struct {
		Botocore, Failure string
		AfterCreate       string   `json:"after_create"`
		AfterWait         string   `json:"after_wait"`
		AfterDelete       string   `json:"after_delete"`
		PutWhileCreating  *apiErr  `json:"put_while_creating"`
		MissingStream     *apiErr  `json:"missing_stream"`
		BadHashKey        *apiErr  `json:"bad_hash_key"`
		ReshardOnDemand   *apiErr  `json:"reshard_on_demand"`
		AfterDeleteWait   *apiErr  `json:"after_delete_wait"`
		PutFailed         int      `json:"put_failed"`
		Shards            int      `json:"shards"`
		ListPages         int      `json:"list_pages"`
		ReadBack          []string `json:"read_back"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("boto3 printed %q: %v", out, err)
	}
	if got.Failure != "" {
		t.Fatalf("boto3 (botocore %s) failed: %s", got.Botocore, got.Failure)
	}
	wantErr := func(what string, e *apiErr, code string) {
		t.Helper()
		if e == nil || e.Code != code || e.Class != code || e.Status != 400 || !uuidPattern.MatchString(e.RequestID) {
			t.Errorf("%s through boto3: %+v, want %s (400, with a request id)", what, e, code)
		}
	}
	if got.AfterCreate != "CREATING" || got.AfterWait != "ACTIVE" || got.AfterDelete != "DELETING" {
		t.Errorf("lifecycle through boto3: created %s, waited %s, deleted %s", got.AfterCreate, got.AfterWait, got.AfterDelete)
	}
	wantErr("a write while CREATING", got.PutWhileCreating, "ResourceNotFoundException")
	wantErr("a missing stream", got.MissingStream, "ResourceNotFoundException")
	wantErr("ExplicitHashKey abc", got.BadHashKey, "ValidationException")
	wantErr("UpdateShardCount on an ON_DEMAND stream", got.ReshardOnDemand, "ValidationException")
	wantErr("the stream after its deletion", got.AfterDeleteWait, "ResourceNotFoundException")
	if got.PutFailed != 0 || got.Shards != 3 || got.ListPages != 3 || len(got.ReadBack) != 30 {
		t.Errorf("writes and reads through boto3: %+v", got)
	}
}
