package emulator

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestInjectedInternalFailuresPerRecord(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 4}}, Faults: Faults{InternalFailureRate: 0.05}}, true)
	var failed, ok int
	for range 20 {
		env.clock.Advance(time.Second)
		out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entriesSpread(500, 100)}))(t)
		for _, r := range out.Records {
			switch {
			case r.ErrorCode == nil:
				ok++
			case *r.ErrorCode == "InternalFailure" && *r.ErrorMessage == "Internal service failure.":
				failed++
			default:
				t.Fatalf("unexpected failure %s: %s", *r.ErrorCode, *r.ErrorMessage)
			}
		}
	}
	// 10,000 records at 5%: expect 500, with a standard deviation near 22.
	if failed < 400 || failed > 600 {
		t.Fatalf("%d of 10000 records failed, want about 500", failed)
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.InternalFailures != int64(failed) || st.Total.AcceptedRecords != int64(ok) {
		t.Fatalf("counters %+v, responses: %d ok %d failed", st.Total, ok, failed)
	}
}

// entriesSpread builds n entries with distinct keys, so they spread over the shards.
func entriesSpread(n, size int) []types.PutRecordsRequestEntry {
	out := entries(n, size, "k")
	for i := range out {
		key := "key-" + string(rune('a'+i%26)) + strings.Repeat("x", i%7)
		out[i].PartitionKey = aws.String(key)
		out[i].Data = make([]byte, size-len(key))
	}
	return out
}

func TestInjectedServerErrors(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Faults: Faults{ServerErrorRate: 1}}, true)
	_, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(10, 100, "k")})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() < 500 {
		t.Fatalf("want a 5xx, got %v", err)
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.AcceptedRecords != 0 {
		t.Fatal("a request answered 5xx must not take effect")
	}
	if env.emu.FaultStats().ServerErrors != 1 {
		t.Fatalf("FaultStats %+v", env.emu.FaultStats())
	}
	if err := env.emu.SetFaults(Faults{ServerErrorRate: 0}); err != nil {
		t.Fatal(err)
	}
	must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(10, 100, "k")}))(t)
}

func TestInjectedLatency(t *testing.T) {
	lat := must(ParseLatency("60ms"))(t)
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Faults: Faults{Latency: lat}}, false)
	start := time.Now()
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	if took := time.Since(start); took < 60*time.Millisecond {
		t.Fatalf("request took %v, under the injected 60ms", took)
	}
}

func TestParseLatency(t *testing.T) {
	for in, want := range map[string]Latency{
		"":                   {},
		"20ms":               {Kind: LatencyFixed, Base: 20 * time.Millisecond},
		"10ms-50ms":          {Kind: LatencyUniform, Base: 10 * time.Millisecond, Max: 50 * time.Millisecond},
		"lognormal:20ms:0.5": {Kind: LatencyLogNormal, Base: 20 * time.Millisecond, Sigma: 0.5},
	} {
		got, err := ParseLatency(in)
		if err != nil || got != want {
			t.Errorf("ParseLatency(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if back, _ := ParseLatency(got.String()); back != got {
			t.Errorf("%q does not round-trip through String: %q", in, got.String())
		}
	}
	for _, bad := range []string{"fast", "50ms-10ms", "lognormal:20ms", "lognormal:x:1", "-5ms"} {
		if _, err := ParseLatency(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseLatency(%q): want an error naming the input, got %v", bad, err)
		}
	}
}

func TestBadFaultsRefused(t *testing.T) {
	_, err := New(Config{Faults: Faults{InternalFailureRate: 1.5, ServerErrorRate: -1}})
	if err == nil || !strings.Contains(err.Error(), "InternalFailureRate") || !strings.Contains(err.Error(), "ServerErrorRate") {
		t.Fatalf("want both bad fields named, got %v", err)
	}
	e := must(New(Config{}))(t)
	if err := e.SetFaults(Faults{ControlPlaneThrottleRate: 2}); err == nil {
		t.Fatal("SetFaults accepted a rate of 2")
	}
}

func TestLimitsThatWouldOverflowAreRefused(t *testing.T) {
	_, err := New(Config{Limits: Limits{ShardBytesPerSec: 1 << 40, ShardRecordsBurst: -1}})
	if err == nil || !strings.Contains(err.Error(), "ShardBytesPerSec") || !strings.Contains(err.Error(), "ShardRecordsBurst") {
		t.Fatalf("want both bad limits named, got %v", err)
	}
}

func TestKMSAccessDenied(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Faults: Faults{KMSAccessDenied: true}}, true)
	// Unencrypted, the fault does not apply.
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	must(env.kin.StartStreamEncryption(env.ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("s"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab")}))(t)
	sum := must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t)
	if sum.StreamDescriptionSummary.EncryptionType != types.EncryptionTypeKms {
		t.Fatalf("encryption %s", sum.StreamDescriptionSummary.EncryptionType)
	}
	_, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries(3, 10, "k")})
	wantCode(t, err, "KMSAccessDeniedException")
	for _, part := range []string{"kms:GenerateDataKey", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"} {
		if !strings.Contains(apiMessage(err), part) {
			t.Fatalf("message %q lacks %q", apiMessage(err), part)
		}
	}
	_, err = env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "KMSAccessDeniedException")
	// Granting the permission (clearing the fault) lets writes through, marked KMS.
	if err := env.emu.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	out := must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	if out.EncryptionType != types.EncryptionTypeKms {
		t.Fatalf("EncryptionType %s", out.EncryptionType)
	}
	if env.emu.FaultStats().KMSDenied != 2 {
		t.Fatalf("KMSDenied %d", env.emu.FaultStats().KMSDenied)
	}
}
