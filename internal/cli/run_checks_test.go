package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad run flags exit 2 naming the flag, before anything starts, in the user's terms: not an
// emulator's Streams[0], a Config field, raw SDK text or a workload error at start (issue 14,
// items 8 and 9).
func TestRunFlagErrorsNameTheFlag(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	lines := filepath.Join(dir, "lines.txt")
	binary := filepath.Join(dir, "binary.json")
	if err := os.WriteFile(lines, []byte("a\nb\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(binary, []byte("\x7fELF\x02\x01\x00\x00{\xff\xfe"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("s", 300)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--stream", "my stream"}, []string{"-stream", "Kinesis stream name"}},
		{[]string{"--stream", long + " x"}, []string{"-stream"}}, // not echoed whole: see below
		{[]string{"--shards", "10001"}, []string{"--shards 10001: want 1..10000"}},
		{[]string{"--producer", "kpl", "--clients", "300"}, []string{"--clients with --producer kpl", "putrecords or putrecord"}},
		{[]string{"--clients", "300"}, []string{"--clients with --producer shardstorm"}},
		{[]string{"--producer", "putrecord", "--client-batch", "10"}, []string{"--client-batch with --producer putrecord"}},
		{[]string{"--producer", "putrecords", "--clients", "100001"}, []string{"-clients", "0..100000"}},
		{[]string{"--stream", ""}, []string{"-stream", "Kinesis stream name"}},
		{[]string{"--endpoint", "ftp://x"}, []string{"-endpoint", "http:// or https://"}},
		{[]string{"--endpoint", "notaurl"}, []string{"-endpoint", "http:// or https://"}},
		{[]string{"--payload", "json:@" + filepath.Join(dir, "missing")}, []string{"--payload", "no such file"}},
		{[]string{"--payload", "file:" + filepath.Join(dir, "missing")}, []string{"--payload", "no such file"}},
		{[]string{"--payload", "json:@" + binary}, []string{"--payload", "not text"}},
		{[]string{"--payload", "file:" + lines, "--record-size", "100"}, []string{"--record-size"}},
		{[]string{"--keys", "shard:99"}, []string{"--keys", "4 open shards"}},
		{[]string{"--metrics-addr", "bogus"}, []string{"-metrics-addr", "HOST:PORT"}},
		{[]string{"--metrics-addr", "127.0.0.1:99999"}, []string{"-metrics-addr", "HOST:PORT"}},
		{[]string{"--allow-remote-control"}, []string{"--allow-remote-control needs --metrics-addr"}},
		{[]string{"--report", filepath.Join(dir, "nonexistent", "x.json")}, []string{"-report", "does not exist"}},
		{[]string{"--csv", dir}, []string{"-csv", "is a directory"}},
	} {
		code, _, errOut := runMain(t, append([]string{"config", "print"}, tc.args...)...)
		for _, w := range tc.want {
			if code != exitUsage || !strings.Contains(errOut, w) {
				t.Errorf("%.80q: exit %d, want 2 and %q in:\n%s", tc.args, code, w, errOut)
			}
		}
		for _, internal := range []string{"Streams[0]", "StreamName", "producer:", "workload:", "record_size", long} {
			if strings.Contains(errOut, internal) {
				t.Errorf("%.80q: the error says %.40q:\n%s", tc.args, internal, errOut)
			}
		}
	}
}

// A file payload is taken with the default record size (the demo's sizes are not the user's),
// and a missing one is named as missing, not as a size conflict (item 9).
func TestFilePayloadWithDefaultSize(t *testing.T) {
	clearEnv(t)
	lines := writeFile(t, "lines.txt", "a\nb\n")
	if _, err := RunOptions([]string{"--payload", "file:" + lines}); err != nil {
		t.Fatalf("file payload with the default size: %v", err)
	}
}

// An output path that cannot be written fails before the load: the run is not lost at the end
// (item 10). Before the check, the run went its whole --duration, printed its summary and then
// failed on the report.
func TestBadReportPathFailsBeforeTheLoad(t *testing.T) {
	clearEnv(t)
	bad := filepath.Join(t.TempDir(), "nonexistent", "x.json")
	code, out, errOut := runMain(t, "run", "--headless", "--no-cloudwatch", "--duration", "1s", "--report", bad)
	if code != exitUsage || !strings.Contains(errOut, "-report") || out != "" {
		t.Fatalf("exit %d, want 2 naming --report before any summary:\n%s%s", code, out, errOut)
	}
}
