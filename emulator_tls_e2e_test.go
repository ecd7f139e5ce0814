package main

import (
	"context"
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
	certPath := filepath.Join(t.TempDir(), "certs", "emulator.pem")
	e := startEmulatorBinary(t, bin, "--stream", "orders:2", "--tls", "--tls-cert-out", certPath)
	addr, cmd := e.addr, e.cmd
	said := []string{}
	for e.lines.Scan() && !strings.Contains(e.lines.Text(), "Ctrl-C") {
		said = append(said, e.lines.Text())
	}
	out := strings.Join(said, "\n")
	if !strings.Contains(out, "AWS_CA_BUNDLE="+certPath) {
		t.Fatalf("the emulator does not say which certificate to trust:\n%s", out)
	}

	t.Setenv("AWS_ENDPOINT_URL_KINESIS", "https://"+addr)
	t.Setenv("AWS_CA_BUNDLE", certPath)
	t.Setenv("AWS_REGION", "us-east-1")
	offlineAWS(t)
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
