package producer

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/awshttp"
)

// holdingTransport reads a request's body and keeps it open, as net/http may while it still
// writes it.
type holdingTransport struct {
	body io.ReadCloser
	got  []byte
}

func (h *holdingTransport) Do(r *http.Request) (*http.Response, error) {
	h.body = r.Body
	h.got, _ = io.ReadAll(r.Body)
	return nil, errCaptured
}

// A producer's request body is its own pooled buffer, holding what the SDK would have sent; it
// goes back for the next request only once both the sender (PutRecords returned) and the
// transport (its reader closed) have let go, whichever is last.
func TestRequestBodyIsReusedOnlyOnceSenderAndTransportLetGo(t *testing.T) {
	in := &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: []types.PutRecordsRequestEntry{
		{Data: []byte("some data"), PartitionKey: aws.String("k")}, {Data: make([]byte, 70_000), PartitionKey: aws.String("k2")},
	}}
	want, ok := appendPutRecordsJSON(nil, in)
	if !ok {
		t.Fatal("a plain input not written by appendPutRecordsJSON")
	}
	transport := &holdingTransport{}
	client := kinesis.New(kinesis.Options{Region: "us-east-1", HTTPClient: awshttp.OwnBody(transport), RetryMaxAttempts: 1,
		Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String("http://127.0.0.1:1")})
	wire := &requestWire{}
	if _, err := client.PutRecords(withRequestWire(context.Background(), wire), in, withPutRecordsSerializer); !errors.Is(err, errCaptured) {
		t.Fatalf("PutRecords: %v", err)
	}
	if string(transport.got) != string(want) {
		t.Fatalf("the transport read %d bytes, not the body", len(transport.got))
	}
	rb := wire.body
	if rb == nil || rb.class != bodyClass(len(want)) || cap(rb.b) < len(want) {
		t.Fatalf("the body is not a pooled buffer of its class: %+v", rb)
	}
	if got := rb.refs.Load(); got != 2 {
		t.Fatalf("%d references to the body; want 2, the sender's and the transport's reader's", got)
	}
	wire.release() // PutRecords returned
	if got := rb.refs.Load(); got != 1 {
		t.Fatalf("%d references after the sender let go; want the transport's", got)
	}
	transport.body.Close()
	if got := rb.refs.Load(); got != 0 {
		t.Fatalf("%d references after both let go", got)
	}
}

// A body's buffer is the smallest power of two from 64 KiB that holds it (at most twice its
// size), up to the largest request's; larger ones are not pooled.
func TestRequestBodyClasses(t *testing.T) {
	for _, tc := range []struct{ size, class int }{
		{1, 0}, {64 << 10, 0}, {64<<10 + 1, 1}, {5 << 20, 7}, {10 << 20 * 4 / 3, 8}, {16 << 20, 8}, {16<<20 + 1, 9},
	} {
		if got := bodyClass(tc.size); got != tc.class {
			t.Errorf("bodyClass(%d) = %d, want %d", tc.size, got, tc.class)
		}
		rb := getRequestBody(tc.size)
		if cap(rb.b) < tc.size || tc.class < bodyClasses && cap(rb.b) > 2*max(tc.size, 64<<10) {
			t.Errorf("a body of %d bytes got a buffer of %d", tc.size, cap(rb.b))
		}
		rb.Release()
	}
}
