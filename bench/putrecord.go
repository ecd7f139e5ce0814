package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// putRecordWorker sends one record per PutRecord call. A throttled call is retried by the SDK's
// default retryer (3 attempts with backoff, within its client-side retry quota); when that gives
// up the record counts as failed, as an application logging the error and moving on would.
type putRecordWorker struct {
	client *kinesis.Client
	stream string
	t      *tally
}

func (w putRecordWorker) run(ctx context.Context, ch <-chan pendingRecord) {
	for r := range ch {
		if ctx.Err() != nil {
			abandon(w.t, ch, 1)
			return
		}
		_, err := w.client.PutRecord(ctx, &kinesis.PutRecordInput{
			StreamName: aws.String(w.stream), PartitionKey: aws.String(r.key), Data: r.data,
		})
		switch {
		case err == nil:
			w.t.succeed(time.Now(), r)
		case ctx.Err() != nil:
			w.t.pendingInFlight.Add(1) // its request was in flight: the service may have stored it
			abandon(w.t, ch, 1)
			return
		default:
			w.t.failed.Add(1)
			w.t.noteError(err)
		}
	}
}
