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
}
