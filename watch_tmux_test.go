//go:build unix

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// TestWatchInTmux watches, from a terminal, a stream that another process loads: a separate
// emulator serves the stream (enhanced monitoring on), a headless `shardstorm run` loads it, and
// `shardstorm watch` — which sends nothing — shows the load from CloudWatch alone: the shard
// table fills with non-zero KiB% figures, and q exits 0.
func TestWatchInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil && os.Getenv("CI") != "true" {
		t.Skip("tmux not installed") // newTerminal fails instead under CI=true
	}
	bin := buildBinary(t)
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
	eventually.NilEvery(t, 10*time.Second, 100*time.Millisecond, "EnableEnhancedMonitoring on the emulator", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := kin.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("loaded"),
			ShardLevelMetrics: []types.MetricsName{types.MetricsNameAll}})
		return err
	})
	start("run", "--headless", "--endpoint", url, "--region", "us-east-1", "--stream", "loaded", "--duration", "20s", "--rate", "2000", "--no-cloudwatch")

	term := newTerminal(t, 120, 40, fmt.Sprintf("AWS_ACCESS_KEY_ID=watch-test AWS_SECRET_ACCESS_KEY=watch-test AWS_EC2_METADATA_DISABLED=true %q watch --endpoint %s --region us-east-1 --stream loaded", bin, url))

	term.waitFor("the dashboard to start", 10*time.Second, func(s string) bool { return strings.Contains(s, "q quit") })
	if s := term.screen(); !strings.Contains(s, "watch us-east-1") {
		t.Fatalf("the header does not name the watch backend; screen:\n%s", s)
	}
	// The Shards view: both shards carry the load, as CloudWatch's shard-level metrics tell it:
	// 2000 records/s of ~500 bytes is about 1 MiB/s, so some 50% of each shard's 1 MiB/s (at
	// least 20%, to leave room for the ramp up and the key spread).
	term.send("2")
	shards := term.waitFor("the shard table to show the load", 15*time.Second, func(s string) bool { return shardRowsAtLeast(s, 20) == 2 })
	t.Logf("the Shards view:\n%s", shards)

	term.send("q")
	term.waitExit(10 * time.Second)
}
