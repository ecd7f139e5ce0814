package emulator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawRequest opens a TCP connection to srv and writes head (request line and headers) and
// body, returning the connection with a generous read deadline.
func rawRequest(t *testing.T, srv *Server, head, body string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second)) // an upper bound, never a measurement
	if _, err := fmt.Fprintf(conn, "%s\r\n%s", head, body); err != nil {
		t.Fatal(err)
	}
	return conn
}

// A request declaring a body far over the limit is answered 413 at once, with an AWS-shaped
// error, without the server waiting for (or the client sending) the body.
func TestOversizedContentLengthAnsweredAtOnce(t *testing.T) {
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conn := rawRequest(t, srv, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\n"+
		"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 10000000000\r\n", "{")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to an oversized request: %v", err)
	}
	defer resp.Body.Close()
	var body struct{ Type, Message string }
	json.NewDecoder(resp.Body).Decode(&struct {
		Type    *string `json:"__type"`
		Message *string `json:"message"`
	}{&body.Type, &body.Message})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || body.Type == "" || !strings.Contains(body.Message, "10 MB") {
		t.Errorf("answer %d %+v, want 413 with __type and a message naming the 10 MB limit", resp.StatusCode, body)
	}

	// CloudWatch, on the same port, answers its own 413 at once too.
	conn = rawRequest(t, srv, "POST "+cloudWatchPathPrefix+"PutMetricData HTTP/1.1\r\nHost: x\r\nSmithy-Protocol: rpc-v2-cbor\r\n"+
		"Content-Type: application/cbor\r\nContent-Length: 10000000000\r\n", "\xa0")
	resp, err = http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to an oversized CloudWatch request: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("CloudWatch answer %d, want 413", resp.StatusCode)
	}
}

// kinesisCall posts an awsJson1_1 body to srv and returns the status and the decoded answer.
func kinesisCall(t *testing.T, srv *Server, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
	req.Header.Set("X-Amz-Target", kinesisTargetPrefix+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// A partition key that is not valid UTF-8 (raw bytes, or an escaped lone surrogate) used to be
// rewritten to U+FFFD by the JSON decoder and stored, hashed to a shard the sender never chose.
// It is refused as a body AWS cannot parse, nothing is stored, and a valid key (a surrogate pair
// included) is stored exactly as sent.
func TestPartitionKeyNotUTF8Refused(t *testing.T) {
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "s", Shards: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for name, key := range map[string]string{"raw 0xff": "k\xffk", "lone high surrogate": `k\ud83dk`, "lone low surrogate": `\ude00`} {
		for op, body := range map[string]string{
			"PutRecord":  `{"StreamName":"s","Data":"AA==","PartitionKey":"` + key + `"}`,
			"PutRecords": `{"StreamName":"s","Records":[{"Data":"AA==","PartitionKey":"ok"},{"Data":"AA==","PartitionKey":"` + key + `"}]}`,
		} {
			status, out := kinesisCall(t, srv, op, body)
			if status != http.StatusBadRequest || out["__type"] != "SerializationException" {
				t.Errorf("%s, %s: answer %d %v, want 400 SerializationException", op, name, status, out)
			}
		}
	}
	if st, _ := srv.Emulator.StreamStats("s"); st.Total.AcceptedRecords != 0 {
		t.Fatalf("%d records stored from refused requests", st.Total.AcceptedRecords)
	}

	status, out := kinesisCall(t, srv, "PutRecord", `{"StreamName":"s","Data":"AA==","PartitionKey":"\ud83d\ude00é\"\\u"}`)
	if status != http.StatusOK {
		t.Fatalf("valid key refused: %d %v", status, out)
	}
	_, it := kinesisCall(t, srv, "GetShardIterator", fmt.Sprintf(`{"StreamName":"s","ShardId":%q,"ShardIteratorType":"TRIM_HORIZON"}`, out["ShardId"]))
	_, got := kinesisCall(t, srv, "GetRecords", fmt.Sprintf(`{"ShardIterator":%q}`, it["ShardIterator"]))
	recs, _ := got["Records"].([]any)
	if len(recs) != 1 || recs[0].(map[string]any)["PartitionKey"] != "😀é\"\\u" {
		t.Errorf("stored %v, want the one record with key %q", got["Records"], "😀é\"\\u")
	}
}

// A client that stops mid-body is answered 408 and dropped after the stall timeout; before,
// its connection stayed open for minutes.
func TestStalledBodyTimesOut(t *testing.T) {
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, BodyStallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conn := rawRequest(t, srv, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\n"+
		"Content-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n", `{"StreamName":"s",`)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("stalled request got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("stalled request answered %d, want 408", resp.StatusCode)
	}
}

// A slow client whose body takes several stall timeouts to arrive, but never stalls, is
// served; and an injected latency longer than the stall timeout, after the body, does not cut
// the request off either.
func TestSlowBodyServed(t *testing.T) {
	lat, _ := ParseLatency("600ms")
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}, BodyStallTimeout: 300 * time.Millisecond,
		Faults: Faults{Latency: lat}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	body := `{"StreamName":"s","Data":"AA==","PartitionKey":"` + strings.Repeat("k", 200) + `"}`
	conn := rawRequest(t, srv, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\n"+
		fmt.Sprintf("Content-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n", len(body)), "")
	pace := time.NewTicker(50 * time.Millisecond) // the client's pace, not synchronisation: 20 chunks, about 1 s
	defer pace.Stop()
	for i := 0; i < len(body); i += 12 {
		<-pace.C
		if _, err := conn.Write([]byte(body[i:min(i+12, len(body))])); err != nil {
			t.Fatalf("write after %d bytes: %v", i, err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ SequenceNumber string }
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK || out.SequenceNumber == "" {
		t.Errorf("slow client answered %d %+v, want 200 with a sequence number", resp.StatusCode, out)
	}
	if st, _ := srv.Emulator.StreamStats("s"); st.Total.AcceptedRecords != 1 {
		t.Errorf("%d records stored, want 1", st.Total.AcceptedRecords)
	}
}
