//go:build unix

// Package kinesismock runs kinesis-mock (github.com/etspaceman/kinesis-mock, the npm package
// kinesis-local) for tests: the conformance peer of the emulator and a second endpoint for the
// producer's round trip. It is test support only; nothing in the program imports it.
package kinesismock

// A harness that runs kinesis-mock (github.com/etspaceman/kinesis-mock, the npm package
// kinesis-local, a Scala.js build run by Node) as the conformance peer of our emulator.
//
// Install it where the tests look for it (.ci/run does this):
//
//	npm install --prefix .ci/node --no-audit --no-fund kinesis-local@0.6.2
//
// What kinesis-local 0.6.2 needs (from its README.md and main.js, checked by running it):
//   - KINESIS_MOCK_PLAIN_PORT (HTTP) and KINESIS_MOCK_TLS_PORT (HTTPS) — it always opens both, on
//     0.0.0.0 (the host is hard-coded; no variable binds it to loopback only), so both ports must
//     be free.
//   - KINESIS_MOCK_CERT_PATH: the TLS certificate, default "server.json" relative to the working
//     directory; without it the process dies at start with ENOENT. It ships beside main.js.
//   - CREATE_STREAM_DURATION, SPLIT_SHARD_DURATION, MERGE_SHARDS_DURATION, ... (default 500ms; the
//     format is a duration string such as "50ms") set how long a stream stays CREATING/UPDATING.
//   - LOAD_DATA_IF_EXISTS (default true) loads PERSIST_PATH/PERSIST_FILE_NAME ("data/kinesis-data.json"
//     relative to the working directory) at start; we turn it off and run it in a temp dir.
//   - LOG_LEVEL (default INFO): INFO logs every request; WARN every rejected one, with a stack
//     trace. We use ERROR unless KINESIS_MOCK_LOG_LEVEL says otherwise.
//   - Requests must be signed (an Authorization header), else MissingAuthenticationTokenException.
//     A 12-digit access key id selects the account; any other uses AWS_ACCOUNT_ID (000000000000).
//   - It answers 0.6–0.8 s after start on an idle 2-core machine (up to ~4 s under load).
//   - SIGTERM ends it at once (~30 ms), but only when no client connection is open: it waits
//     for open keep-alive connections (seen > 20 s), so clients should close their idle
//     connections before it stops (the cleanup sends SIGKILL after 2 s anyway; it keeps no state).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// kinesisMockInstall is the command that installs the peer where kinesisMockBin looks.
const kinesisMockInstall = "npm install --prefix .ci/node --no-audit --no-fund kinesis-local@0.6.2"

// Delay is kinesis-mock's CREATING/UPDATING time for every asynchronous operation.
const Delay = 50 * time.Millisecond

// kinesisMockReadyTimeout bounds the wait for a started kinesis-mock to answer.
const kinesisMockReadyTimeout = 60 * time.Second

// kinesisMockWatchdog is preloaded into the Node process (node --require). Cleanup kills the
// process group, but cleanups do not run when the test binary dies (a -timeout panic, a SIGKILL):
// then the parent pid changes and the mock exits instead of living on as an orphan.
const kinesisMockWatchdog = `'use strict';
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(3); }, 500).unref();
`

// Start starts kinesis-mock on free ports, waits until it answers, stops it in
// t.Cleanup and returns its plain-HTTP endpoint (http://127.0.0.1:PORT). Without the installed
// package it skips the test, except under CI=true where it fails: conformance must never be
// skipped silently in CI.
func Start(t testing.TB) (endpoint string) {
	t.Helper()
	bin, err := kinesisMockBin()
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("kinesis-mock is required in CI but unavailable: %v\n(.ci/run installs it: %s)", err, kinesisMockInstall)
		}
		t.Skipf("kinesis-mock unavailable (%v); install it from the repository root with: %s", err, kinesisMockInstall)
	}
	// main.js is what the .bin symlink points at; server.json ships beside it.
	mainJS, err := filepath.EvalSymlinks(bin)
	if err != nil {
		t.Fatalf("kinesis-mock: resolve %s: %v", bin, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("kinesis-mock: %v", err)
	}

	dir := t.TempDir()
	watchdog := filepath.Join(dir, "watchdog.js")
	if err := os.WriteFile(watchdog, []byte(kinesisMockWatchdog), 0o644); err != nil {
		t.Fatal(err)
	}

	// The ports are found free and then released, so another process may take one before the mock
	// binds it: try again with new ports when the process exits early.
	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			t.Fatalf("kinesis-mock: find free ports: %v", err)
		}
		endpoint, err := runKinesisMock(t, node, watchdog, mainJS, dir, ports[0], ports[1])
		if err == nil {
			return endpoint
		}
		lastErr = err
		if !errors.Is(err, errKinesisMockExited) {
			break
		}
	}
	t.Fatalf("kinesis-mock did not start: %v", lastErr)
	return ""
}

var errKinesisMockExited = errors.New("kinesis-mock exited early")

// runKinesisMock starts one process and waits for it to answer. On error the process is already
// gone and its output logged.
func runKinesisMock(t testing.TB, node, watchdog, mainJS, dir string, plainPort, tlsPort int) (string, error) {
	t.Helper()
	out := &tailBuffer{max: 1 << 20}
	cmd := exec.Command(node, "--require", watchdog, mainJS)
	cmd.Dir = dir
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	d := Delay.String()
	cmd.Env = append(os.Environ(),
		"KINESIS_MOCK_PLAIN_PORT="+strconv.Itoa(plainPort),
		"KINESIS_MOCK_TLS_PORT="+strconv.Itoa(tlsPort),
		"KINESIS_MOCK_CERT_PATH="+filepath.Join(filepath.Dir(mainJS), "server.json"),
		"CREATE_STREAM_DURATION="+d,
		"DELETE_STREAM_DURATION="+d,
		"MERGE_SHARDS_DURATION="+d,
		"SPLIT_SHARD_DURATION="+d,
		"UPDATE_SHARD_COUNT_DURATION="+d,
		"UPDATE_STREAM_MODE_DURATION="+d,
		"START_STREAM_ENCRYPTION_DURATION="+d,
		"STOP_STREAM_ENCRYPTION_DURATION="+d,
		"REGISTER_STREAM_CONSUMER_DURATION="+d,
		"DEREGISTER_STREAM_CONSUMER_DURATION="+d,
		"SHARD_LIMIT=500", // AWS's default account quota, as our emulator (kinesis-mock: 50)
		"AWS_REGION=us-east-1",
		"LOAD_DATA_IF_EXISTS=false",
		"SHOULD_PERSIST_DATA=false",
		"PERSIST_PATH="+filepath.Join(dir, "data"),
		// WARN logs every rejected request with a stack trace; set KINESIS_MOCK_LOG_LEVEL=WARN to
		// see them in the output printed on failure.
		"LOG_LEVEL="+envOr("KINESIS_MOCK_LOG_LEVEL", "ERROR"),
		"ROOT_LOG_LEVEL=ERROR",
	)
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start %s: %w", mainJS, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		// SIGTERM first, then SIGKILL the whole group: it waits for open connections.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}

	endpoint := "http://127.0.0.1:" + strconv.Itoa(plainPort)
	probe := http.DefaultTransport.(*http.Transport).Clone()
	defer probe.CloseIdleConnections()
	client := NewClient(endpoint, &http.Client{Transport: probe})
	ctx, cancel := context.WithTimeout(context.Background(), kinesisMockReadyTimeout)
	defer cancel()
	var probeErr error
	for {
		callCtx, callCancel := context.WithTimeout(ctx, 2*time.Second)
		_, probeErr = client.ListStreams(callCtx, &kinesis.ListStreamsInput{})
		callCancel()
		if probeErr == nil {
			break
		}
		select {
		case <-exited:
			t.Logf("kinesis-mock output:\n%s", out.String())
			return "", fmt.Errorf("%w (%v) after %v; last probe: %v", errKinesisMockExited, waitErr, time.Since(started).Round(time.Millisecond), probeErr)
		case <-ctx.Done():
			stop()
			t.Logf("kinesis-mock output:\n%s", out.String())
			return "", fmt.Errorf("no answer within %v; last probe: %v", kinesisMockReadyTimeout, probeErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Logf("kinesis-mock ready at %s after %v (pid %d)", endpoint, time.Since(started).Round(time.Millisecond), cmd.Process.Pid)
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("kinesis-mock output (%s):\n%s", endpoint, out.String())
		}
	})
	return endpoint, nil
}

// kinesisMockBin returns the path of the installed kinesis-local executable, found from the
// repository root (the directory holding go.mod above the test's working directory).
func kinesisMockBin() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
	bin := filepath.Join(dir, ".ci", "node", "node_modules", ".bin", "kinesis-local")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%s not found", bin)
	}
	return bin, nil
}

// NewClient is a plain SDK client for endpoint: region us-east-1, static credentials, no
// retries. hc carries the requests (close its idle connections before kinesis-mock stops).
func NewClient(endpoint string, hc *http.Client) *kinesis.Client {
	return sdktest.Kinesis(endpoint, 1, hc)
}

// freePorts returns n distinct TCP ports free on all interfaces (kinesis-mock binds 0.0.0.0).
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", ":0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// tailBuffer keeps the last max bytes written to it; safe for concurrent use.
type tailBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	dropped int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
		b.dropped += over
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped > 0 {
		return fmt.Sprintf("[%d earlier bytes dropped]\n%s", b.dropped, b.buf.String())
	}
	return b.buf.String()
}
