package emulator

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLI runs the AWS CLI (whichever `aws` is installed: pip's v1, Debian's awscli) against
// endpoint with throwaway credentials and no configuration from this machine, and returns its
// stdout, stderr and exit code.
func awsCLI(t *testing.T, endpoint string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"}, args...)...)
	dir := t.TempDir()
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y", "AWS_PAGER=",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"))
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// The AWS CLI, as people script it: create a stream and wait for it, write, list shards (the
// CLI pages them itself), read back, query CloudWatch in whatever protocol its botocore speaks,
// and AWS's error on a missing stream — with the exit code scripts test.
func TestAWSCLI(t *testing.T) {
	t.Parallel() // a client in a process of its own: seconds of its start-up, nothing shared
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no aws on PATH: .ci/run installs awscli")
		}
		t.Skip("no aws on PATH (apt-get install awscli)")
	}
	srv, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := awsCLI(t, srv.URL, args...)
		if code != 0 {
			t.Fatalf("aws %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
		}
		return out
	}
	version, versionErr, _ := awsCLI(t, srv.URL, "--version")
	version += versionErr // v1 printed its version on stderr
	t.Logf("aws CLI %s", strings.TrimSpace(version))

	run("kinesis", "create-stream", "--stream-name", "cli", "--shard-count", "3")
	run("kinesis", "wait", "stream-exists", "--stream-name", "cli")
	// Blob arguments: v1 sends them as given, v2 decodes base64 unless told otherwise.
	var raw []string
	if strings.Contains(version, "aws-cli/2") {
		raw = []string{"--cli-binary-format", "raw-in-base64-out"}
	}
	var records []map[string]string
	for i := range 12 {
		records = append(records, map[string]string{"PartitionKey": "key-" + string(rune('a'+i)), "Data": "hello"})
	}
	entries, _ := json.Marshal(records)
	run(append([]string{"kinesis", "put-records", "--stream-name", "cli", "--records", string(entries)}, raw...)...)
	run(append([]string{"kinesis", "put-record", "--stream-name", "cli", "--partition-key", "one", "--data", "hello"}, raw...)...)
	var shards struct{ Shards []struct{ ShardId string } }
	if err := json.Unmarshal([]byte(run("kinesis", "list-shards", "--stream-name", "cli")), &shards); err != nil || len(shards.Shards) != 3 {
		t.Fatalf("list-shards: %v %+v", err, shards)
	}
	// The CLI's own paging sends NextToken with StreamName, which AWS refuses (aws-cli#9635,
	// botocore#2009): so does the emulator, in AWS's words, so a script that works here works there.
	if _, errOut, code := awsCLI(t, srv.URL, "kinesis", "list-shards", "--stream-name", "cli", "--page-size", "1"); code == 0 ||
		!strings.Contains(errOut, "NextToken and StreamName cannot be provided together.") {
		t.Fatalf("list-shards paged by the CLI: exit %d\n%s", code, errOut)
	}
	read := 0
	for _, sh := range shards.Shards {
		var it struct{ ShardIterator string }
		json.Unmarshal([]byte(run("kinesis", "get-shard-iterator", "--stream-name", "cli", "--shard-id", sh.ShardId, "--shard-iterator-type", "TRIM_HORIZON")), &it)
		var recs struct{ Records []struct{ Data string } }
		json.Unmarshal([]byte(run("kinesis", "get-records", "--shard-iterator", it.ShardIterator)), &recs)
		for _, r := range recs.Records {
			if r.Data != "aGVsbG8=" {
				t.Fatalf("read back %q", r.Data)
			}
			read++
		}
	}
	if read != 13 {
		t.Fatalf("read back %d of 13 records", read)
	}

	var metrics struct{ Metrics []struct{ MetricName string } }
	if err := json.Unmarshal([]byte(run("cloudwatch", "list-metrics", "--namespace", "AWS/Kinesis", "--metric-name", "IncomingRecords")), &metrics); err != nil || len(metrics.Metrics) == 0 {
		t.Fatalf("cloudwatch list-metrics: %v %+v", err, metrics)
	}
	now := time.Now().UTC()
	var stats struct{ Datapoints []struct{ Sum float64 } }
	out := run("cloudwatch", "get-metric-statistics", "--namespace", "AWS/Kinesis", "--metric-name", "IncomingRecords",
		"--dimensions", "Name=StreamName,Value=cli", "--statistics", "Sum", "--period", "3600",
		"--start-time", now.Add(-time.Hour).Format(time.RFC3339), "--end-time", now.Add(time.Minute).Format(time.RFC3339))
	if err := json.Unmarshal([]byte(out), &stats); err != nil {
		t.Fatalf("cloudwatch get-metric-statistics printed %q: %v", out, err)
	}
	sum := 0.0
	for _, d := range stats.Datapoints {
		sum += d.Sum
	}
	if sum != 13 {
		t.Fatalf("IncomingRecords through the CLI: %v, want 13 in all", stats.Datapoints)
	}

	_, errOut, code := awsCLI(t, srv.URL, "kinesis", "describe-stream-summary", "--stream-name", "nope")
	if code == 0 || !strings.Contains(errOut, "ResourceNotFoundException") || !strings.Contains(errOut, "Stream nope under account") {
		t.Fatalf("a missing stream: exit %d\n%s", code, errOut)
	}
}
