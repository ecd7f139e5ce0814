package fleet

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/producer"
)

const codeThrottled = "ProvisionedThroughputExceededException"

// send is one request of client i, in its own goroutine for as long as it is in flight.
func (f *Fleet) send(i int, batch []*item, now time.Time) {
	defer f.requests.Done()
	f.st.sent(batch, now)
	ctx, cancel := context.WithTimeout(f.sendCtx, f.cfg.RequestTimeout)
	start := time.Now()
	var answers []answer
	var err error
	if f.cfg.API == PutRecord {
		answers, err = f.putRecord(ctx, batch[0])
	} else {
		answers, err = f.putRecords(ctx, batch)
	}
	dur := time.Since(start)
	cancel()
	f.st.requestDone(len(batch), dur)

	f.mu.Lock()
	defer f.unlock()
	end := time.Now()
	c := &f.clients[i]
	var again []*item
	if err != nil {
		att := f.attemptOf(err, start, dur)
		for _, it := range batch {
			it.attempts = append(it.attempts, att)
			f.st.entryFailed(answer{code: att.Code, message: att.Message}, it.size)
			if f.retry(it, att, end) {
				again = append(again, it)
			}
		}
	} else {
		for k, it := range batch {
			a := answers[k]
			if a.code == "" {
				f.acknowledge(it, a, producer.Attempt{Start: start, Duration: dur}, end)
				continue
			}
			att := producer.Attempt{Start: start, Duration: dur, Code: a.code, Message: a.message}
			it.attempts = append(it.attempts, att)
			f.st.entryFailed(a, it.size)
			if f.retry(it, att, end) {
				again = append(again, it)
			}
		}
	}
	f.st.retries.Add(int64(len(again)))
	f.backOff(c, len(again), end)
	c.requeue(again)
	c.inFlight--
	f.inFlight--
	f.st.inFlight.Add(-1)
	f.service(i, end)
	f.slotFreed(end)
}

// answer is the service's answer for one record: its shard and sequence number, or an error code.
type answer struct {
	shardID, seq  string
	code, message string
}

func (f *Fleet) putRecords(ctx context.Context, batch []*item) ([]answer, error) {
	entries := make([]types.PutRecordsRequestEntry, len(batch))
	for k, it := range batch {
		entries[k] = types.PutRecordsRequestEntry{PartitionKey: aws.String(it.rec.PartitionKey), Data: it.rec.Data}
		if it.rec.ExplicitHashKey != "" {
			entries[k].ExplicitHashKey = aws.String(it.rec.ExplicitHashKey)
		}
	}
	out, err := f.kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(f.cfg.StreamName), Records: entries})
	if err != nil {
		return nil, err
	}
	if len(out.Records) != len(batch) {
		return nil, &smithy.GenericAPIError{Code: "MalformedResponse", Message: "PutRecords answered a different number of entries than sent", Fault: smithy.FaultServer}
	}
	answers := make([]answer, len(batch))
	for k, r := range out.Records {
		answers[k] = answer{shardID: aws.ToString(r.ShardId), seq: aws.ToString(r.SequenceNumber),
			code: aws.ToString(r.ErrorCode), message: aws.ToString(r.ErrorMessage)}
	}
	return answers, nil
}

func (f *Fleet) putRecord(ctx context.Context, it *item) ([]answer, error) {
	in := &kinesis.PutRecordInput{StreamName: aws.String(f.cfg.StreamName), PartitionKey: aws.String(it.rec.PartitionKey), Data: it.rec.Data}
	if it.rec.ExplicitHashKey != "" {
		in.ExplicitHashKey = aws.String(it.rec.ExplicitHashKey)
	}
	out, err := f.kin.PutRecord(ctx, in)
	if err != nil {
		return nil, err
	}
	return []answer{{shardID: aws.ToString(out.ShardId), seq: aws.ToString(out.SequenceNumber)}}, nil
}

// attemptOf describes a failed request (each of its records counts it in ErrorsByCode). Unanswered means the request may have reached the
// service and no answer came (a timeout, a broken connection, Close abandoning it): its records
// may be stored. A refused connection never reached the service.
func (f *Fleet) attemptOf(err error, start time.Time, dur time.Duration) producer.Attempt {
	att := producer.Attempt{Start: start, Duration: dur, Message: err.Error()}
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		att.Code = ae.ErrorCode()
	case errors.Is(err, syscall.ECONNREFUSED):
		att.Code = "ConnectionRefused"
	case f.sendCtx.Err() != nil:
		att.Code, att.Unanswered = "Abandoned", true
	case errors.Is(err, context.DeadlineExceeded):
		att.Code, att.Unanswered = "RequestTimeout", true
	default:
		att.Code, att.Unanswered = "ConnectionError", true
	}
	return att
}

// retry decides a failed record's fate (mu held): true to re-send it; otherwise it is resolved.
// A PutRecords client re-sends failed entries and failed requests until RecordTtl, except what
// re-sending cannot fix; a PutRecord client gives up when the SDK's own retries have.
func (f *Fleet) retry(it *item, att producer.Attempt, now time.Time) bool {
	switch {
	case f.gaveUp || att.Code == "Abandoned":
		f.fail(it, producer.ErrClosed, att.Code)
	case f.cfg.API == PutRecord && att.Code == codeThrottled:
		f.fail(it, producer.ErrThrottled, att.Code)
	case f.cfg.API == PutRecord || permanent(att):
		f.fail(it, producer.ErrNonRetryable, att.Code)
	case !now.Before(it.arrival.Add(f.cfg.RecordTtl)):
		f.fail(it, producer.ErrExpired, att.Code)
	default:
		return true
	}
	return false
}

// permanent reports a refusal that re-sending cannot fix: a client-side fault other than a
// throttle (validation, missing stream, access or KMS denied).
func permanent(att producer.Attempt) bool {
	if att.Unanswered {
		return false
	}
	switch att.Code {
	case codeThrottled, "LimitExceededException", "ThrottlingException", "KMSThrottlingException",
		"InternalFailure", "ServiceUnavailable", "InternalServerError", "MalformedResponse", "ConnectionRefused":
		return false
	}
	return strings.HasSuffix(att.Code, "Exception") || att.Code == "ValidationError"
}

// acknowledge resolves a record the service stored (mu held).
func (f *Fleet) acknowledge(it *item, a answer, att producer.Attempt, now time.Time) {
	res := producer.Result{Record: it.rec, ShardID: a.shardID, SequenceNumber: a.seq, Attempts: append(it.attempts, att)}
	f.st.acknowledged(it, a.shardID, res.MaybeDuplicated(), now)
	f.resolve(it, res)
}

// fail resolves a record with err's kind (mu held); code is the last error code seen, if any.
func (f *Fleet) fail(it *item, kind error, code string) {
	re := &producer.RecordError{Kind: kind, Code: code}
	if n := len(it.attempts); n > 0 {
		re.Message = it.attempts[n-1].Message
	}
	res := producer.Result{Record: it.rec, Attempts: it.attempts, Err: re}
	o := res.Outcome()
	re.MaybeStored = o == producer.MaybeStored
	f.st.failed(o, kind)
	f.resolve(it, res)
}

func (f *Fleet) resolve(it *item, res producer.Result) {
	f.st.pending.Add(-1)
	f.resolved = append(f.resolved, resolution{it: it, res: res})
	f.checkDrained()
}
