package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// PutRecords bounds: 500 records, and a request size under the service's limit (5 MiB, the
// limit before October 2025 and still the KPL's CollectionMaxSize).
const (
	batchMaxRecords = 500
	batchMaxBytes   = 5 << 20
)

// putRecordsWorker takes whatever the queue holds (up to a full request) and sends it with
// PutRecords, then re-sends the failed entries at once until none fail: the loop of the AWS
// developer guide ("Adding Multiple Records with PutRecords"). No backoff, no per-shard pacing.
type putRecordsWorker struct {
	client *kinesis.Client
	stream string
	t      *tally
}

func (w putRecordsWorker) run(ctx context.Context, ch <-chan pendingRecord) {
	var carry *pendingRecord // a record that did not fit the previous request
	batch := make([]pendingRecord, 0, batchMaxRecords)
	for {
		batch = batch[:0]
		var size int64
		if carry != nil {
			batch, size, carry = append(batch, *carry), carry.size(), nil
		} else {
			r, ok := <-ch
			if !ok {
				return
			}
			batch, size = append(batch, r), r.size()
		}
	fill:
		for len(batch) < batchMaxRecords {
			select {
			case r, ok := <-ch:
				if !ok {
					break fill
				}
				if size+r.size() > batchMaxBytes {
					carry = &r
					break fill
				}
				batch, size = append(batch, r), size+r.size()
			default:
				break fill
			}
		}
		if !w.sendUntilNoneFail(ctx, batch) {
			held := 0
			if carry != nil {
				held = 1
			}
			abandon(w.t, ch, held)
			return
		}
	}
}

// sendUntilNoneFail sends batch until every record succeeded (true), or ctx ends (false: the
// records not yet delivered are counted pending) or the service refuses the request for good
// (its records fail).
func (w putRecordsWorker) sendUntilNoneFail(ctx context.Context, batch []pendingRecord) bool {
	entries := make([]types.PutRecordsRequestEntry, len(batch))
	for i, r := range batch {
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(r.key), Data: r.data}
	}
	var ok []pendingRecord
	for len(batch) > 0 {
		out, err := w.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(w.stream), Records: entries})
		switch {
		case ctx.Err() != nil:
			w.t.pending.Add(int64(len(batch)))
			w.t.pendingInFlight.Add(int64(len(batch))) // the service may have stored them
			return false
		case err != nil && permanent(err):
			w.t.failed.Add(int64(len(batch)))
			w.t.noteError(err)
			return true
		case err != nil:
			w.t.noteError(err) // the SDK has already retried; the loop sends the batch again
			continue
		}
		if len(out.Records) != len(batch) {
			w.t.noteError(fmt.Errorf("PutRecords answered %d entries for %d records", len(out.Records), len(batch)))
			continue
		}
		now := time.Now()
		ok = ok[:0]
		kept := 0
		for i, res := range out.Records {
			if res.ErrorCode == nil {
				ok = append(ok, batch[i])
				continue
			}
			batch[kept], entries[kept] = batch[i], entries[i]
			kept++
		}
		w.t.succeed(now, ok...)
		batch, entries = batch[:kept], entries[:kept]
	}
	return true
}

// permanent reports a refusal that re-sending cannot fix: a client-side fault other than a
// throttle (validation, missing stream, access denied).
func permanent(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorFault() != smithy.FaultClient {
		return false
	}
	switch ae.ErrorCode() {
	case "ProvisionedThroughputExceededException", "LimitExceededException", "ThrottlingException", "KMSThrottlingException":
		return false
	}
	return true
}
