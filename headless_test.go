//go:build unix

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/internal/kinesismock"
	"github.com/shardstorm/shardstorm/metrics"
)

type reportWithTruth struct {
	metrics.Summary
	Config struct {
		Emulator map[string]int64 `json:"emulator"`
	} `json:"config"`
}

// A headless run on the embedded emulator: progress lines, the summary, and a report whose
// accounting identity holds and whose figures equal what the emulator itself counted.
func TestHeadlessRunReportMatchesTheEmulator(t *testing.T) {
	bin := buildBinary(t)
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errOut := runBinary(t, bin, "--headless", "--duration", "4s", "--rate", "3000", "--progress-every", "1s", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Count(errOut, " put ") < 2 || !strings.Contains(out, "accounting") {
		t.Fatalf("want progress lines on stderr and the summary on stdout\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r reportWithTruth
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Accounting.Holds || r.Accounting.Scheduled < 10_000 {
		t.Fatalf("accounting %+v", r.Accounting)
	}
	truth := r.Config.Emulator
	if truth["accepted_records"] != r.Totals.KinesisRecordsPut || truth["accepted_bytes"] != r.Totals.KinesisBytesPut ||
		truth["throttled_records"] != r.Totals.ThrottledRecords {
		t.Fatalf("report totals %+v disagree with the emulator's %v", r.Totals, truth)
	}
	// No fault: every record the stream holds was acknowledged, once.
	if a := r.Accounting; truth["accepted_user_records"] != a.Acknowledged || a.MaybeStored != 0 || a.PossibleDuplicates != 0 {
		t.Fatalf("the emulator stored %d user records; the report says %+v", truth["accepted_user_records"], a)
	}
}

// Thresholds decide the exit code, naming what failed; bad flags exit 2 naming the flag.
func TestHeadlessThresholdsAndBadFlags(t *testing.T) {
	bin := buildBinary(t)
	code, _, errOut := runBinary(t, bin, "--headless", "--duration", "2s", "--rate", "1000", "--progress-every", "10s",
		"--min-put-rate", "1000000", "--max-p99", "1h")
	if code != 3 || !strings.Contains(errOut, "--min-put-rate 1e+06") || strings.Contains(errOut, "--max-p99") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--keys", "zipf:x"}, `invalid value "zipf:x" for flag -keys`},
		{[]string{"--rate-limit", "-5"}, "--rate-limit: -5% outside"},
		{[]string{"--max-throttled", "abc"}, `invalid value "abc" for flag -max-throttled`},
		{[]string{"--aws", "--endpoint", "http://127.0.0.1:1"}, "choose one backend"},
	} {
		code, _, errOut := runBinary(t, bin, append([]string{"--headless"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr lacks %q:\n%.300s", tc.args, code, tc.want, errOut)
		}
	}
}

// --endpoint drives another Kinesis implementation end to end (kinesis-mock).
func TestHeadlessAgainstKinesisMock(t *testing.T) {
	endpoint := kinesismock.Start(t)
	bin := buildBinary(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	report := filepath.Join(t.TempDir(), "report.json")
	// The endpoint carries a password, as some proxies' URLs do: it must not reach the report.
	endpoint = strings.Replace(endpoint, "http://", "http://agent:hunter2@", 1)
	code, out, errOut := runBinary(t, bin, "--headless", "--endpoint", endpoint, "--region", "us-east-1", "--create-stream",
		"--stream", "agents", "--shards", "2", "--duration", "3s", "--rate", "1000", "--no-cloudwatch", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var r metrics.Summary
	raw, _ := os.ReadFile(report)
	if err := json.Unmarshal(raw, &r); err != nil || !r.Accounting.Holds || r.Accounting.Acknowledged < 2500 {
		t.Fatalf("report accounting %+v (%v)", r.Accounting, err)
	}
	if strings.Contains(string(raw)+out+errOut, "hunter2") {
		t.Fatalf("the endpoint's password reached the report or the output:\nstdout:\n%s\nstderr:\n%s\nreport:\n%.2000s", out, errOut, raw)
	}
}

// A bad config file names the file, the line and the key, and exits 2; config print never shows
// credentials from the environment.
func TestConfigFileErrorsAndRedaction(t *testing.T) {
	bin := buildBinary(t)
	bad := filepath.Join(t.TempDir(), "load.yaml")
	if err := os.WriteFile(bad, []byte("rate: 9000\nshards: lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runBinary(t, bin, "--headless", "--config", bad)
	if code != 2 || !strings.Contains(errOut, bad+":2") || !strings.Contains(errOut, "shards") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLETOKEN")
	code, out, errOut := runBinary(t, bin, "config", "print", "--region", "eu-west-1")
	if code != 0 {
		t.Fatalf("config print: exit %d\n%s", code, errOut)
	}
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "FwoGZXIvYXdzEXAMPLETOKEN"} {
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("config print shows a credential:\n%s", out)
		}
	}
	if !strings.Contains(out, "region: eu-west-1") {
		t.Fatalf("config print lacks the region:\n%s", out)
	}
}

// Ctrl-C stops a headless run gracefully: the producer drains and the summary is printed.
func TestHeadlessCtrlCDrainsAndSummarises(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "--headless", "--rate", "2000", "--progress-every", "1s")
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt a run under load: once a progress line shows records put (generous deadline for a
	// loaded machine).
	eventually.True(t, time.Minute, "a progress line", func() bool { return strings.Contains(errOut.String(), "target ") })
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v\nstderr:\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "draining the producer") || !strings.Contains(out.String(), ": holds") {
		t.Fatalf("want a drain message and a summary whose accounting holds\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
}
