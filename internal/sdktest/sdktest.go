// Package sdktest builds aws-sdk-go-v2 clients for tests that talk to a local endpoint (the
// emulator, kinesis-mock). Test and benchmark support (bench/ uses OwnBody); the shardstorm
// program does not import it.
package sdktest

import (
	"bytes"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// HTTPDoer is the SDK's HTTP client interface.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// OwnBody gives the transport its own copy of each request body. The SDK closes the request body
// when the response arrives, while net/http may still be making its last read of it; the
// transport then drops the connection mid-response and a call answered 200 fails with "use of
// closed network connection" (about 1 in 60 calls on a fast loopback). Tests that disable SDK
// retries to see every service answer need this to be deterministic. inner nil means the SDK's
// default client.
func OwnBody(inner HTTPDoer) HTTPDoer {
	if inner == nil {
		inner = awshttp.NewBuildableClient()
	}
	return ownBody{inner}
}

type ownBody struct{ inner HTTPDoer }

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return c.inner.Do(req)
}

var creds = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")

// Kinesis returns a Kinesis client for endpoint with static credentials, region us-east-1,
// retries off (maxAttempts 1) or the SDK's default (0), over hc (nil: the default transport).
func Kinesis(endpoint string, maxAttempts int, hc HTTPDoer) *kinesis.Client {
	return kinesis.New(kinesis.Options{BaseEndpoint: aws.String(endpoint), Region: "us-east-1", Credentials: creds,
		RetryMaxAttempts: maxAttempts, HTTPClient: OwnBody(hc)})
}

// CloudWatch is the same for CloudWatch.
func CloudWatch(endpoint string, maxAttempts int, hc HTTPDoer) *cloudwatch.Client {
	return cloudwatch.New(cloudwatch.Options{BaseEndpoint: aws.String(endpoint), Region: "us-east-1", Credentials: creds,
		RetryMaxAttempts: maxAttempts, HTTPClient: OwnBody(hc)})
}
