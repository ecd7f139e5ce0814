package main

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// TestEmulatorCommand runs the built binary as a user would, points an SDK client at it through
// AWS_ENDPOINT_URL_KINESIS (the standard configuration chain), writes, and stops it with Ctrl-C.
func TestEmulatorCommand(t *testing.T) {
	bin := buildBinary(t)
	e := startEmulatorBinary(t, bin, "--stream", "orders:3", "--log-every", "200ms")
	addr, cmd, lines := e.addr, e.cmd, e.lines

	t.Setenv("AWS_ENDPOINT_URL_KINESIS", "http://"+addr)
	t.Setenv("AWS_REGION", "eu-west-1")
	offlineAWS(t)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := kinesis.NewFromConfig(cfg)
	out, err := client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("hello")})
	if err != nil {
		t.Fatalf("PutRecord through AWS_ENDPOINT_URL_KINESIS: %v", err)
	}
	if !strings.HasPrefix(*out.ShardId, "shardId-") {
		t.Fatalf("shard %q", *out.ShardId)
	}
	var logged bool
	deadline := time.Now().Add(5 * time.Second)
	for !logged && time.Now().Before(deadline) && lines.Scan() {
		logged = strings.Contains(lines.Text(), "orders [ACTIVE, 3 shards]: +1 records")
	}
	if !logged {
		t.Fatal("no totals line counting the record")
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v", err)
	}
}

func TestEmulatorRefusesRemoteWithoutFlag(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"emulator", "--addr", "0.0.0.0:0"}, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "--allow-remote") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// Flags without a command go to the default command, run.
func TestFlagsWithoutCommandGoToRun(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"--no-such-flag"}, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "shardstorm run: flag provided but not defined: -no-such-flag") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"nope"}, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), `unknown command "nope"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}
