package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func TestPutValidationErrors(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}}, true)
	one := func(key string, data []byte, ehk *string) []types.PutRecordsRequestEntry {
		return []types.PutRecordsRequestEntry{{PartitionKey: aws.String(key), Data: data, ExplicitHashKey: ehk}}
	}
	for _, tc := range []struct {
		name    string
		stream  string
		records []types.PutRecordsRequestEntry
		code    string
		msg     string // a part of the message that must be there
	}{
		{"no records", "s", []types.PutRecordsRequestEntry{}, "ValidationException", "at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"501 records", "s", entries(501, 10, "k"), "ValidationException", "at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"},
		{"empty key", "s", one("", []byte("x"), nil), "ValidationException", "at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"257-char key", "s", one(strings.Repeat("k", 257), []byte("x"), nil), "ValidationException", "Member must have length less than or equal to 256"},
		// The model's pattern 0|([1-9]\d{0,38}) first (ValidationException, as AWS and kinesalite
		// answer); a value that matches it but exceeds 2^128-1 is the service's InvalidArgumentException.
		{"negative hash key", "s", one("k", []byte("x"), aws.String("-1")), "ValidationException", "Value '-1' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"},
		{"hash key abc", "s", one("k", []byte("x"), aws.String("abc")), "ValidationException", "Value 'abc' at 'records.1.member.explicitHashKey'"},
		{"hash key leading zero", "s", one("k", []byte("x"), aws.String("007")), "ValidationException", "Value '007' at 'records.1.member.explicitHashKey'"},
		{"hash key of 40 digits", "s", one("k", []byte("x"), aws.String(strings.Repeat("9", 40))), "ValidationException", "regular expression pattern"},
		{"hash key 2^128", "s", one("k", []byte("x"), aws.String("340282366920938463463374607431768211456")), "InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456"},
		{"record over 1 MiB with its key", "s", one("kk", make([]byte, mib-1), nil), "InvalidArgumentException", "over the maximum record size of 1024 KiB"},
		{"missing stream", "nope", one("k", []byte("x"), nil), "ResourceNotFoundException", "Stream nope under account 123456789012 not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String(tc.stream), Records: tc.records})
			wantCode(t, err, tc.code)
			if !strings.Contains(apiMessage(err), tc.msg) {
				t.Fatalf("message %q lacks %q", apiMessage(err), tc.msg)
			}
		})
	}
	// Several violations are reported at once, counted as AWS counts them.
	_, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: append(one("", []byte("x"), nil), one(strings.Repeat("k", 300), []byte("x"), nil)...)})
	if !strings.HasPrefix(apiMessage(err), "2 validation errors detected: ") {
		t.Fatalf("want both violations, got %v", err)
	}
	// PutRecord checks SequenceNumberForOrdering against its pattern too.
	for _, seq := range []string{"abc", "-1", "01"} {
		_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x"), SequenceNumberForOrdering: aws.String(seq)})
		wantCode(t, err, "ValidationException")
		if want := "Value '" + seq + "' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})"; apiMessage(err) != "1 validation error detected: "+want {
			t.Fatalf("SequenceNumberForOrdering %s: %q", seq, apiMessage(err))
		}
	}
	// A record of exactly the maximum size, key included, is accepted.
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("kk"), Data: make([]byte, mib-2)}))(t)
	// Nothing invalid reached a shard.
	st, _ := env.emu.StreamStats("s")
	if st.Total.AcceptedRecords != 1 {
		t.Fatalf("accepted %d records, want only the valid one", st.Total.AcceptedRecords)
	}
}

func TestMaxRecordSizeFollowsStream(t *testing.T) {
	env := newEnv(t, Config{}, true)
	_, err := env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("big"), ShardCount: aws.Int32(1), MaxRecordSizeInKiB: aws.Int32(2048)})
	if err != nil {
		t.Fatal(err)
	}
	sum := must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("big")}))(t)
	if *sum.StreamDescriptionSummary.MaxRecordSizeInKiB != 2048 {
		t.Fatalf("MaxRecordSizeInKiB %d", *sum.StreamDescriptionSummary.MaxRecordSizeInKiB)
	}
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, 2*mib-1)}))(t)
	_, err = env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, 2*mib)})
	wantCode(t, err, "InvalidArgumentException")

	arn := sum.StreamDescriptionSummary.StreamARN
	_, err = env.kin.UpdateMaxRecordSize(env.ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: arn, MaxRecordSizeInKiB: aws.Int32(10241)})
	wantCode(t, err, "ValidationException")
	must(env.kin.UpdateMaxRecordSize(env.ctx, &kinesis.UpdateMaxRecordSizeInput{StreamARN: arn, MaxRecordSizeInKiB: aws.Int32(4096)}))(t)
	env.clock.Advance(5 * time.Second)
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("big"), PartitionKey: aws.String("k"), Data: make([]byte, 3*mib)}))(t)
}

func TestStreamARNAddressing(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	arn := "arn:aws:kinesis:us-east-1:123456789012:stream/s"
	out := must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamARN: aws.String(arn), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	if *out.ShardId != "shardId-000000000000" {
		t.Fatalf("shard %s", *out.ShardId)
	}
	_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:123456789012:stream/other"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), StreamARN: aws.String("arn:aws:kinesis:us-east-1:123456789012:stream/t"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "InvalidArgumentException")
}

func TestCreateStreamErrors(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, Limits: Limits{ShardLimit: 10}}, true)
	_, err := env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)})
	wantCode(t, err, "ResourceInUseException")
	if want := "Stream s under account 123456789012 already exists."; apiMessage(err) != want {
		t.Fatalf("message %q, want %q", apiMessage(err), want)
	}
	_, err = env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("bad name"), ShardCount: aws.Int32(1)})
	wantCode(t, err, "ValidationException")
	_, err = env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("t"), ShardCount: aws.Int32(10)})
	wantCode(t, err, "LimitExceededException") // 1 + 10 > the 10-shard account limit
	env.clock.Advance(time.Second)
	must(env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}))(t)
	sum := must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("od")}))(t)
	if sum.StreamDescriptionSummary.StreamModeDetails.StreamMode != types.StreamModeOnDemand || *sum.StreamDescriptionSummary.OpenShardCount != 4 {
		t.Fatalf("on-demand stream: %+v", sum.StreamDescriptionSummary)
	}
	lim := must(env.kin.DescribeLimits(env.ctx, &kinesis.DescribeLimitsInput{}))(t)
	if *lim.ShardLimit != 10 || *lim.OpenShardCount != 5 || *lim.OnDemandStreamCount != 1 {
		t.Fatalf("DescribeLimits %+v", lim)
	}
}

func TestCreatingStreamBecomesActive(t *testing.T) {
	env := newEnv(t, Config{CreateDelay: 2 * time.Second}, true)
	must(env.kin.CreateStream(env.ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(2)}))(t)
	sum := must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t)
	if sum.StreamDescriptionSummary.StreamStatus != types.StreamStatusCreating {
		t.Fatalf("status %s, want CREATING", sum.StreamDescriptionSummary.StreamStatus)
	}
	_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantCode(t, err, "ResourceNotFoundException")
	env.clock.Advance(2 * time.Second)
	must(env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}))(t)
	must(env.kin.DeleteStream(env.ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("s")}))(t)
	_, err = env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
	wantCode(t, err, "ResourceNotFoundException")
}

// rawKinesis posts body with the given X-Amz-Target and returns status and the decoded error.
func rawKinesis(t *testing.T, url, target, body string) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]string
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func TestUnknownOperationAndBadBodies(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}}, true)
	status, body := rawKinesis(t, env.srv.URL, "Kinesis_20131202.PutRecordz", "{}")
	if status != 400 || body["__type"] != "UnknownOperationException" {
		t.Fatalf("unknown op: %d %v", status, body)
	}
	status, body = rawKinesis(t, env.srv.URL, "Kinesis_20131202.PutRecords", `{"StreamName": "s", "Records": [`)
	if status != 400 || body["__type"] != "SerializationException" || body["message"] == "" {
		t.Fatalf("truncated JSON: %d %v", status, body)
	}
	status, body = rawKinesis(t, env.srv.URL, "Kinesis_20131202.PutRecords", `{"StreamName": 5}`)
	if status != 400 || body["__type"] != "SerializationException" {
		t.Fatalf("wrong type: %d %v", status, body)
	}
}
