package emulator

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// protoRecorder notes the protocol of every response a client got.
type protoRecorder struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	protos map[string]int
}

func (p *protoRecorder) Do(r *http.Request) (*http.Response, error) {
	resp, err := p.rt.RoundTrip(r)
	if err == nil {
		p.mu.Lock()
		p.protos[resp.Proto]++
		p.mu.Unlock()
	}
	return resp, err
}

// A client that speaks only cleartext HTTP/2 (prior knowledge, as the AWS JS SDK's HTTP/2 handler
// does for http:// endpoints) gets the whole Kinesis API on the emulator's one port.
func TestKinesisOverH2CPriorKnowledge(t *testing.T) {
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	rec := &protoRecorder{rt: tr, protos: map[string]int{}}
	kin := sdktest.Kinesis(srv.URL, 1, rec)
	ctx := context.Background()

	var entries []types.PutRecordsRequestEntry
	for i := range 50 {
		entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(string(rune('a' + i%26))), Data: []byte{byte(i)}})
	}
	out, err := kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries})
	if err != nil || *out.FailedRecordCount != 0 {
		t.Fatalf("PutRecords over h2c: %v", err)
	}
	got := 0
	shards, err := kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shards.Shards {
		it, err := kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		got += len(recs.Records)
	}
	if got != 50 {
		t.Fatalf("read back %d of 50 records over h2c", got)
	}
	if rec.protos["HTTP/2.0"] != 4+len(shards.Shards) || len(rec.protos) != 1 {
		t.Fatalf("responses by protocol: %v, want every one over HTTP/2", rec.protos)
	}
}

// A client that asks to upgrade (Upgrade: h2c, as curl --http2 does on an http:// URL) gets
// 101 Switching Protocols and its request answered as HTTP/2 stream 1.
func TestKinesisOverH2CUpgrade(t *testing.T) {
	srv, err := Start(Config{Streams: []StreamSpec{{Name: "orders", Shards: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second)) // a hang fails the test instead of stalling it
	body := `{}`
	req := "POST / HTTP/1.1\r\nHost: emulator\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n" +
		"X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n" + body
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 101 ") {
		t.Fatalf("upgrade answered %q (%v)", status, err)
	}
	for { // the rest of the 101's headers
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
	}
	// Now HTTP/2: our preface and SETTINGS, then read stream 1's answer.
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(conn, br)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	var headers []hpack.HeaderField
	var data bytes.Buffer
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) { headers = append(headers, f) })
	for done := false; !done; {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("reading HTTP/2 frames: %v (headers %v, data %q)", err, headers, data.String())
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.HeadersFrame:
			if f.StreamID != 1 {
				t.Fatalf("headers on stream %d", f.StreamID)
			}
			if _, err := dec.Write(f.HeaderBlockFragment()); err != nil {
				t.Fatal(err)
			}
			done = f.StreamEnded()
		case *http2.DataFrame:
			data.Write(f.Data())
			done = f.StreamEnded()
		}
	}
	if len(headers) == 0 || headers[0].Name != ":status" || headers[0].Value != "200" {
		t.Fatalf("stream 1 headers %v", headers)
	}
	var out struct{ StreamNames []string }
	if err := json.Unmarshal(data.Bytes(), &out); err != nil || len(out.StreamNames) != 1 || out.StreamNames[0] != "orders" {
		t.Fatalf("stream 1 body %q (%v)", data.String(), err)
	}
}

// Over TLS, with a self-signed certificate the client trusts (as AWS_CA_BUNDLE would make it),
// HTTP/2 and HTTP/1.1 clients both get the API.
func TestKinesisOverTLS(t *testing.T) {
	certPEM, keyPEM, err := SelfSignedCertificate([]string{"127.0.0.1", "localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Streams: []StreamSpec{{Name: "s", Shards: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := ServeTLS(ln, e, cert)
	t.Cleanup(func() { srv.Close() })
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("URL %s", srv.URL)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		t.Fatal("certificate PEM does not parse")
	}
	for _, h2 := range []bool{true, false} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: h2}
		rec := &protoRecorder{rt: tr, protos: map[string]int{}}
		kin := sdktest.Kinesis(srv.URL, 1, rec)
		if _, err := kin.PutRecord(context.Background(), &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")}); err != nil {
			t.Fatalf("PutRecord over TLS (HTTP/2 %v): %v", h2, err)
		}
		want := map[bool]string{true: "HTTP/2.0", false: "HTTP/1.1"}[h2]
		if rec.protos[want] != 1 {
			t.Fatalf("responses by protocol %v, want one %s", rec.protos, want)
		}
		tr.CloseIdleConnections()
	}
	// A client that does not trust the certificate is refused by its own TLS check.
	kin := sdktest.Kinesis(srv.URL, 1, &protoRecorder{rt: &http.Transport{}, protos: map[string]int{}})
	if _, err := kin.ListStreams(context.Background(), &kinesis.ListStreamsInput{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an untrusting client: %v", err)
	}
}
