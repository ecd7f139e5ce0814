package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/aws/smithy-go/encoding/cbor"
)

// FuzzKinesisRequest feeds arbitrary bodies to every Kinesis operation: no input may panic the
// server, and every refusal must come in the AWS error shape (a JSON object with __type).
// Run longer with: go test ./emulator -run '^$' -fuzz FuzzKinesisRequest -fuzztime 60s
func FuzzKinesisRequest(f *testing.F) {
	ops := make([]string, 0, len(kinesisOps))
	for op := range kinesisOps {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	seeds := []string{
		`{}`, ``, `null`, `[]`, `{"StreamName":"s"}`, `{"StreamName":"s","ShardCount":2}`,
		`{"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":"k"}]}`,
		`{"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":"k","ExplicitHashKey":"99"}]}`,
		`{"StreamName":"s","Data":"eA==","PartitionKey":"k"}`,
		`{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}`,
		`{"ShardIterator":"eyJzIjoicyIsImgiOiJzaGFyZElkLTAwMDAwMDAwMDAwMCIsIm4iOjEsInQiOjB9"}`,
		`{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1"}`,
		`{"StreamName":"s","ShardFilter":{"Type":"AT_LATEST"},"MaxResults":1}`,
		`{"StreamName":"s","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}`,
		`{"StreamName":"s","ShardLevelMetrics":["ALL"]}`,
		`{"StreamName":"s","EncryptionType":"KMS","KeyId":"k"}`,
		`{"StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","MaxRecordSizeInKiB":2048}`,
		`{"StreamName":"s","Records":[{"Data":null,"PartitionKey":null}]}`, `{"Limit":-1}`, "\xff\xfe",
	}
	for i := range ops {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		e, err := New(Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}, ReshardDelay: 1})
		if err != nil {
			t.Fatal(err)
		}
		op := ops[int(opIndex)%len(ops)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", kinesisTargetPrefix+op)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s answered %d with a body that is not a JSON object: %q", op, rec.Code, rec.Body.Bytes())
		}
		if rec.Code != http.StatusOK {
			if typ, _ := out["__type"].(string); typ == "" || rec.Code < 400 {
				t.Fatalf("%s answered %d without an AWS error shape: %q", op, rec.Code, rec.Body.Bytes())
			}
		}
	})
}

// FuzzKinesisCBORRequest is the same for CBOR bodies (the AWS SDK for Java's default): no input
// may panic the server, and every answer is CBOR — an error map with __type when refused.
// Run longer with: go test ./emulator -run '^$' -fuzz FuzzKinesisCBORRequest -fuzztime 60s
func FuzzKinesisCBORRequest(f *testing.F) {
	for _, s := range [][]byte{
		cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "PartitionKey": cbor.String("k"), "Data": cbor.Slice("x")}),
		cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "Records": cbor.List{cbor.Map{"PartitionKey": cbor.String("k"), "Data": cbor.Slice("x")}}}),
		cbor.Encode(cbor.Map{"StreamName": cbor.String("s"), "ShardId": cbor.String("shardId-000000000000"), "ShardIteratorType": cbor.String("AT_TIMESTAMP"),
			"Timestamp": &cbor.Tag{ID: 1, Value: cbor.Float64(1)}}),
		cbor.Encode(cbor.Map{"StreamName": cbor.String("\xff")}), cbor.Encode(cbor.List{}), {0xbf, 0x61}, {},
	} {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
		f.Add(uint8(2), s)
	}
	ops := []string{"PutRecord", "PutRecords", "GetShardIterator", "ListShards", "DescribeStreamSummary"}
	f.Fuzz(func(t *testing.T, opIndex uint8, body []byte) {
		e, err := New(Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		op := ops[int(opIndex)%len(ops)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", kinesisTargetPrefix+op)
		req.Header.Set("Content-Type", kinesisCBORContentType)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		v, err := cbor.Decode(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("%s answered %d with a body that is not CBOR: %q", op, rec.Code, rec.Body.Bytes())
		}
		m, ok := v.(cbor.Map)
		if !ok {
			t.Fatalf("%s answered %d with CBOR that is not a map: %v", op, rec.Code, v)
		}
		if rec.Code != http.StatusOK {
			if typ, _ := m["__type"].(cbor.String); typ == "" || rec.Code < 400 {
				t.Fatalf("%s answered %d without an AWS error shape: %v", op, rec.Code, m)
			}
		}
	})
}
