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
	"pgregory.net/rapid"
)

// capture is an HTTP client that keeps the request it is given and answers nothing.
type capture struct {
	req  *http.Request
	body []byte
}

var errCaptured = errors.New("captured")

func (c *capture) Do(r *http.Request) (*http.Response, error) {
	c.req = r
	c.body, _ = io.ReadAll(r.Body)
	return nil, errCaptured
}

// sdkRequest is the PutRecords request the real SDK client sends for in, with the options given.
func sdkRequest(t *rapid.T, in *kinesis.PutRecordsInput, opts ...func(*kinesis.Options)) *capture {
	c := &capture{}
	client := kinesis.New(kinesis.Options{Region: "us-east-1", HTTPClient: c, RetryMaxAttempts: 1,
		Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String("http://127.0.0.1:1")})
	if _, err := client.PutRecords(context.Background(), in, opts...); !errors.Is(err, errCaptured) {
		t.Fatalf("PutRecords: %v", err)
	}
	return c
}

// TestPutRecordsBodyIsTheSDKs: the producer's PutRecords serializer sends exactly the request the
// SDK's own serializer sends — body byte for byte, method, path, target and content type — for
// any records, keys (plain or needing JSON escapes, which it leaves to the SDK) and stream
// reference.
func TestPutRecordsBodyIsTheSDKs(t *testing.T) {
	key := rapid.OneOf(rapid.StringMatching(`[a-zA-Z0-9_.:<>&/-]{1,40}`), rapid.String().Filter(func(s string) bool { return s != "" }))
	rapid.Check(t, func(t *rapid.T) {
		in := &kinesis.PutRecordsInput{}
		if rapid.Bool().Draw(t, "arn") {
			in.StreamARN = aws.String("arn:aws:kinesis:us-east-1:123456789012:stream/" + rapid.StringMatching(`[a-z0-9_.-]{1,20}`).Draw(t, "arnName"))
		} else {
			in.StreamName = aws.String(rapid.StringMatching(`[a-zA-Z0-9_.-]{1,20}`).Draw(t, "name"))
		}
		for i := range rapid.IntRange(1, 20).Draw(t, "n") {
			e := types.PutRecordsRequestEntry{Data: rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "data"), PartitionKey: aws.String(key.Draw(t, "pk"))}
			if rapid.Bool().Draw(t, "hasEHK") {
				e.ExplicitHashKey = aws.String(rapid.StringMatching(`0|[1-9][0-9]{0,38}`).Draw(t, "ehk"))
			}
			_ = i
			in.Records = append(in.Records, e)
		}
		want := sdkRequest(t, in)
		got := sdkRequest(t, in, withPutRecordsSerializer)
		if string(got.body) != string(want.body) {
			t.Fatalf("body:\n got %s\nwant %s", got.body, want.body)
		}
		for _, h := range []string{"X-Amz-Target", "Content-Type", "Content-Length"} {
			if got.req.Header.Get(h) != want.req.Header.Get(h) {
				t.Fatalf("%s: got %q, want %q", h, got.req.Header.Get(h), want.req.Header.Get(h))
			}
		}
		if got.req.Method != want.req.Method || got.req.URL.String() != want.req.URL.String() {
			t.Fatalf("request %s %s, want %s %s", got.req.Method, got.req.URL, want.req.Method, want.req.URL)
		}
		if _, ok := appendPutRecordsJSON(nil, in); !ok && allPlain(in) {
			t.Fatalf("plain input handed to the SDK's serializer")
		}
	})
}

func allPlain(in *kinesis.PutRecordsInput) bool {
	for _, e := range in.Records {
		if !plainJSON(*e.PartitionKey) {
			return false
		}
	}
	return true
}
