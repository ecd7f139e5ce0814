package emulator

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/aws/smithy-go/encoding/cbor"
)

// callCBOR makes one Kinesis call in CBOR, as the AWS SDK for Java does by default, and returns
// the status and the decoded answer.
func callCBOR(t *testing.T, url, op string, in cbor.Map) (int, cbor.Map) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(cbor.Encode(in)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202."+op)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-cbor-1.1" {
		t.Fatalf("%s answered Content-Type %q: %q", op, ct, body)
	}
	v, err := cbor.Decode(body)
	if err != nil {
		t.Fatalf("%s answered non-CBOR %q: %v", op, body, err)
	}
	return resp.StatusCode, v.(cbor.Map)
}

// PutRecord, PutRecords, GetShardIterator and GetRecords in CBOR: blobs travel as byte strings
// (not base64 text) and timestamps as tag 1, both ways; errors come back in CBOR too.
func TestKinesisCBORRoundTrip(t *testing.T) {
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	binary := []byte{0, 0xff, 0xfe, 'x'} // not UTF-8: a byte string must carry it untouched

	status, out := callCBOR(t, srv.URL, "PutRecord", cbor.Map{"StreamName": cbor.String("s"), "PartitionKey": cbor.String("k"), "Data": cbor.Slice(binary)})
	if status != 200 || out["ShardId"] != cbor.String("shardId-000000000000") {
		t.Fatalf("PutRecord: %d %v", status, out)
	}
	status, out = callCBOR(t, srv.URL, "PutRecords", cbor.Map{"StreamName": cbor.String("s"), "Records": cbor.List{
		cbor.Map{"PartitionKey": cbor.String("a"), "Data": cbor.Slice("one")},
		cbor.Map{"PartitionKey": cbor.String("b"), "Data": cbor.Slice("two"), "ExplicitHashKey": cbor.String("5")},
	}})
	if status != 200 || out["FailedRecordCount"] != cbor.Uint(0) || len(out["Records"].(cbor.List)) != 2 {
		t.Fatalf("PutRecords: %d %v", status, out)
	}
	status, out = callCBOR(t, srv.URL, "GetShardIterator", cbor.Map{"StreamName": cbor.String("s"), "ShardId": cbor.String("shardId-000000000000"),
		"ShardIteratorType": cbor.String("AT_TIMESTAMP"), "Timestamp": &cbor.Tag{ID: 1, Value: cbor.Float64(0)}})
	it, ok := out["ShardIterator"].(cbor.String)
	if status != 200 || !ok {
		t.Fatalf("GetShardIterator: %d %v", status, out)
	}
	status, out = callCBOR(t, srv.URL, "GetRecords", cbor.Map{"ShardIterator": it})
	records, _ := out["Records"].(cbor.List)
	if status != 200 || len(records) != 3 {
		t.Fatalf("GetRecords: %d %v", status, out)
	}
	var got []string
	for _, r := range records {
		m := r.(cbor.Map)
		data, ok := m["Data"].(cbor.Slice)
		if !ok {
			t.Fatalf("Data is %T, want a CBOR byte string", m["Data"])
		}
		if ts, ok := m["ApproximateArrivalTimestamp"].(*cbor.Tag); !ok || ts.ID != 1 {
			t.Fatalf("ApproximateArrivalTimestamp is %v, want tag 1", m["ApproximateArrivalTimestamp"])
		}
		got = append(got, string(data))
	}
	if got[0] != string(binary) || got[1] != "one" || got[2] != "two" {
		t.Fatalf("read back %q", got)
	}

	status, out = callCBOR(t, srv.URL, "DescribeStreamSummary", cbor.Map{"StreamName": cbor.String("nope")})
	if status != 400 || out["__type"] != cbor.String("ResourceNotFoundException") {
		t.Fatalf("missing stream: %d %v", status, out)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader([]byte{0xbf, 0x61}))
	req.Header.Set("Content-Type", "application/x-amz-cbor-1.1")
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	v, err := cbor.Decode(body)
	if err != nil || resp.StatusCode != 400 || v.(cbor.Map)["__type"] != cbor.String("SerializationException") {
		t.Fatalf("truncated CBOR: %d %q (%v)", resp.StatusCode, body, err)
	}
}
