// Package sdktest builds aws-sdk-go-v2 clients for tests that talk to a local endpoint (the
// emulator, kinesis-mock), over internal/awshttp's owned-body client. Test and benchmark
// support; the shardstorm program does not import it.
package sdktest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdkhttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/awshttp"
)

// HTTPDoer is the SDK's HTTP client interface.
type HTTPDoer = awshttp.Doer

// OwnBody wraps hc (nil: the SDK's default client) in awshttp.OwnBody. Tests that disable SDK
// retries to see every service answer need it to be deterministic.
func OwnBody(hc HTTPDoer) HTTPDoer {
	if hc == nil {
		hc = sdkhttp.NewBuildableClient()
	}
	return awshttp.OwnBody(hc)
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
