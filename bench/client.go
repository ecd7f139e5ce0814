package main

import (
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
}

func (c *requestCounter) Do(req *http.Request) (*http.Response, error) {
	if op := req.Header.Get("X-Amz-Target"); strings.HasSuffix(op, ".PutRecords") || strings.HasSuffix(op, ".PutRecord") {
		c.writes.Add(1)
	} else {
		c.other.Add(1)
	}
	return c.inner.Do(req)
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
