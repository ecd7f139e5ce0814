//go:build unix

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// TestWatchInTmux watches, from a terminal, a stream that another process loads: a separate
// emulator serves the stream (enhanced monitoring on), a headless `shardstorm run` loads it, and
// `shardstorm watch` — which sends nothing — shows the load from CloudWatch alone: the shard
// table fills with non-zero KiB% figures, and q exits 0.
func TestWatchInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	bin := filepath.Join(t.TempDir(), "shardstorm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	url := "http://" + addr

	start := func(args ...string) *exec.Cmd {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=watch-test", "AWS_SECRET_ACCESS_KEY=watch-test", "AWS_EC2_METADATA_DISABLED=true")
		if testing.Verbose() {
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %v: %v", args, err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	start("emulator", "--addr", addr, "--stream", "loaded:2")

	// Enhanced monitoring gives the per-shard figures; wait for the emulator to answer.
	kin := sdktest.Kinesis(url, 0, nil)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := kin.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("loaded"),
			ShardLevelMetrics: []types.MetricsName{types.MetricsNameAll}})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("EnableEnhancedMonitoring on the emulator: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	start("run", "--headless", "--endpoint", url, "--region", "us-east-1", "--stream", "loaded", "--duration", "20s", "--rate", "2000", "--no-cloudwatch")

	sock := filepath.Join(t.TempDir(), "tmux.sock") // a private server: nothing shared with the user's tmux
	session := fmt.Sprintf("shardstorm-watch-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	shell := fmt.Sprintf("TERM=xterm-256color AWS_ACCESS_KEY_ID=watch-test AWS_SECRET_ACCESS_KEY=watch-test AWS_EC2_METADATA_DISABLED=true %q watch --endpoint %s --region us-east-1 --stream loaded; echo shardstorm-exit=$?", bin, url)
	if out, err := tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "sh", "-c", shell); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { tmux("kill-server") })
	if out, err := tmux("set-option", "-t", session, "remain-on-exit", "on"); err != nil {
		t.Fatalf("remain-on-exit: %v\n%s", err, out)
	}
	screen := func() string {
		out, _ := tmux("capture-pane", "-p", "-S", "-60", "-t", session)
		return out
	}
	waitScreen := func(what string, within time.Duration, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			s := screen()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	waitScreen("the dashboard to start", 10*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
	if s := screen(); !strings.Contains(s, "watch us-east-1") {
		t.Fatalf("the header does not name the watch backend; screen:\n%s", s)
	}
	// The Shards view: both shards carry the load, as CloudWatch's shard-level metrics tell it:
	// 2000 records/s of ~500 bytes is about 1 MiB/s, so some 50% of each shard's 1 MiB/s (at
	// least 20%, to leave room for the ramp up and the key spread).
	tmux("send-keys", "-t", session, "2")
	row := regexp.MustCompile(`^\W*(\d+)\s+(\d+)%\s+([\d.]+)%\s+([\d.]+)%`)
	shards := waitScreen("the shard table to show the load", 15*time.Second, func(s string) bool {
		rows := 0
		for _, line := range strings.Split(s, "\n") {
			if m := row.FindStringSubmatch(line); m != nil {
				if kib, _ := strconv.ParseFloat(m[4], 64); kib >= 20 {
					rows++
				}
			}
		}
		return rows == 2
	})
	t.Logf("the Shards view:\n%s", shards)

	tmux("send-keys", "-t", session, "q")
	final := waitScreen("the program to exit", 10*time.Second, func(s string) bool { return strings.Contains(s, "shardstorm-exit=") })
	if !strings.Contains(final, "shardstorm-exit=0") {
		t.Fatalf("non-zero exit; screen:\n%s", final)
	}
}
