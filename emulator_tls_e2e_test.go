package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// `shardstorm emulator --tls` serves https with a certificate it writes where a client can trust
// it; an SDK that trusts that file (AWS_CA_BUNDLE, the standard chain) works, with no
// verification turned off.
func TestEmulatorCommandOverTLS(t *testing.T) {
	bin := buildBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	certPath := filepath.Join(t.TempDir(), "certs", "emulator.pem")
	cmd := exec.Command(bin, "emulator", "--addr", addr, "--stream", "orders:2", "--tls", "--tls-cert-out", certPath)
	pr, pw, _ := os.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pw.Close()
	lines := bufio.NewScanner(pr)
	var said []string
	for lines.Scan() && !strings.Contains(lines.Text(), "Ctrl-C") {
		said = append(said, lines.Text())
	}
	out := strings.Join(said, "\n")
	if !strings.Contains(out, "https://"+addr) || !strings.Contains(out, "AWS_CA_BUNDLE="+certPath) {
		t.Fatalf("the emulator does not say where it serves and which certificate to trust:\n%s", out)
	}

	t.Setenv("AWS_ENDPOINT_URL_KINESIS", "https://"+addr)
	t.Setenv("AWS_CA_BUNDLE", certPath)
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := kinesis.NewFromConfig(cfg).PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("hello")})
	if err != nil || !strings.HasPrefix(aws.ToString(res.ShardId), "shardId-") {
		t.Fatalf("PutRecord over https, trusting the written certificate: %v", err)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after Ctrl-C: %v", err)
	}
}
