package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/awshttp"
	"github.com/shardstorm/shardstorm/internal/sdktest"
)

// requestCounter is the HTTP client every contender's SDK client uses. It counts the requests
// actually sent (each SDK retry is one). Built with ownBody, it gives the transport its own copy
// of each request body (internal/awshttp.OwnBody: the SDK closes the body when the response
// arrives while net/http may still be reading it, and the connection drops mid-response). The
// producer already wraps any client it is given that way, so its contenders count without
// copying (a second copy would charge the producer memory it does not use).
type requestCounter struct {
	inner         sdktest.HTTPDoer
	writes, other atomic.Int64
	// unanswered counts the records of write requests that got no HTTP answer (a cut or refused
	// connection, not the caller giving up), when the SDK retries: it re-sends them without its
	// caller knowing that an earlier attempt may have stored them (see Buckets.UnansweredRecords).
	// Only for the fleet's contenders: the producers turn the SDK's retries off and see every
	// unanswered attempt themselves.
	countUnanswered bool
	unanswered      atomic.Int64
}

func (c *requestCounter) Do(req *http.Request) (*http.Response, error) {
	op := req.Header.Get("X-Amz-Target")
	write := strings.HasSuffix(op, ".PutRecords") || strings.HasSuffix(op, ".PutRecord")
	if write {
		c.writes.Add(1)
	} else {
		c.other.Add(1)
	}
	resp, err := c.inner.Do(req)
	if err != nil && write && c.countUnanswered && req.Context().Err() == nil {
		c.unanswered.Add(recordsIn(req, strings.HasSuffix(op, ".PutRecords")))
	}
	return resp, err
}

// recordsIn counts the records of a write request (rare: only unanswered ones are counted), 1 if
// its body cannot be read again.
func recordsIn(req *http.Request, batch bool) int64 {
	if !batch || req.GetBody == nil {
		return 1
	}
	body, err := req.GetBody()
	if err != nil {
		return 1
	}
	defer body.Close()
	var in struct{ Records []json.RawMessage }
	if err := json.NewDecoder(body).Decode(&in); err != nil || len(in.Records) == 0 {
		return 1
	}
	return int64(len(in.Records))
}

// newClient builds a Kinesis client for the emulator at endpoint. maxAttempts 0 keeps the SDK's
// default retries (3 attempts, backoff, client-side retry quota), as an application would; the
// producer turns them off per call itself. The transport keeps enough idle connections for conns
// requests in flight (the SDK's default keeps 10 per host), as the producer's own would.
func newClient(endpoint string, maxAttempts, conns int, ownBody bool) (*kinesis.Client, *requestCounter) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 2*conns, 2*conns
	var inner sdktest.HTTPDoer = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	if ownBody {
		inner = awshttp.OwnBody(inner)
	}
	rc := &requestCounter{inner: inner}
	client := kinesis.New(kinesis.Options{
		BaseEndpoint:     aws.String(endpoint),
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDBENCH", "secret", ""),
		RetryMaxAttempts: maxAttempts,
		HTTPClient:       rc,
	})
	return client, rc
}
