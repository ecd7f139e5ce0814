package producer

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go"
)

const codeThrottled = "ProvisionedThroughputExceededException"

// send makes one PutRecords request for batch, of size bytes, and resolves or re-buffers every
// record in it.
func (p *Producer) send(batch []*krec, size int64, cfg *Config) {
	defer func() {
		p.stats.requestsInFlight.Add(-1)
		p.slots.release(size)
		p.poke() // a connection is free
	}()
	if p.aborting.Load() {
		// Close gave up before this request started: none of it reached the service, so its
		// records are closed, not maybe stored.
		now := time.Now()
		leaveFlight(batch)
		for _, k := range batch {
			for ui := range k.users {
				u := &k.users[ui]
				p.fail(u, k.shard, ErrClosed, now)
			}
		}
		return
	}
	entries, bufs := encodeRequest(batch)
	ctx, cancel := context.WithTimeout(p.ctx, cfg.RequestTimeout)
	wire := &requestWire{bufs: bufs}
	ctx = withRequestWire(ctx, wire)
	start := time.Now()
	out, err := p.api.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: p.ref.name, StreamARN: p.ref.arn, Records: entries}, p.opts...)
	cancel()
	wire.release() // the encodings if the serializer has not, and the sender's share of the body
	end := time.Now()
	dur := end.Sub(start)
	p.stats.requests.Add(1)
	p.stats.requestRecords.Add(int64(len(batch)))
	p.hist.recordRequest(dur)
	leaveFlight(batch)
	if err == nil && len(out.Records) != len(batch) {
		err = &smithy.GenericAPIError{Code: "MalformedResponse", Message: "PutRecords answered a different number of records than sent"}
	}
	if err != nil {
		p.requestFailed(batch, err, start, dur, end)
		return
	}
	p.handleResponse(batch, out, cfg, start, dur, end)
}

// leaveFlight takes batch's records out of their shards' in-flight counts: the request is over.
func leaveFlight(batch []*krec) {
	for _, k := range batch {
		k.shard.c.flightRecords.Add(-int64(len(k.users)))
		k.shard.c.flightBytes.Add(-k.userBytes)
	}
}

// handleResponse resolves each record from its entry: success, wrong shard, throttle or failure.
func (p *Producer) handleResponse(batch []*krec, out *kinesis.PutRecordsOutput, cfg *Config, start time.Time, dur time.Duration, now time.Time) {
	// What the shard said of each shard's records, for adaptive limiting: stored or throttled.
	answers := map[*shardState]*answered{}
	tally := func(k *krec) *answered {
		a := answers[k.shard]
		if a == nil {
			a = &answered{cutoff: k.shard.adaptiveCutoff()}
			answers[k.shard] = a
		}
		a.count(k)
		return a
	}
	for i, k := range batch {
		e := out.Records[i]
		if e.ErrorCode == nil {
			tally(k)
			shardID := aws.ToString(e.ShardId)
			if shardID != k.shard.id && !k.aggregated {
				// A record sent alone lands where its own key routes it, so it is stored right;
				// but the map that predicted another shard is stale.
				p.requestRefresh()
			}
			if k.aggregated && shardID != k.shard.id {
				p.hist.recordBuffering(k.users, start)
				p.park(k, shardID, aws.ToString(e.SequenceNumber), Attempt{Start: start, Duration: dur, Code: codeWrongShard,
					Message: "aggregate stored in " + shardID + ", built for " + k.shard.id}, now)
				continue
			}
			p.succeed(k, shardID, aws.ToString(e.SequenceNumber), Attempt{Start: start, Duration: dur}, now)
			continue
		}
		p.hist.recordBuffering(k.users, start)
		code, msg := aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage)
		att := Attempt{Start: start, Duration: dur, Code: code, Message: msg}
		k.shard.c.errors.add(code)
		if code == codeThrottled {
			k.shard.c.throttles.Add(1)
			k.shard.c.throttledBytes.Add(int64(k.size))
			tally(k).countThrottled(k)
			if cfg.FailIfThrottled {
				for ui := range k.users {
					u := &k.users[ui]
					u.attempts = append(u.attempts, att)
					p.fail(u, k.shard, ErrThrottled, now)
				}
				continue
			}
		}
		for ui := range k.users {
			u := &k.users[ui]
			p.retry(u, k.shard, att, now, true)
		}
	}
	for s, a := range answers {
		s.mu.Lock()
		s.onAnsweredLocked(cfg, *a, now)
		s.mu.Unlock()
	}
}

// requestFailed handles a request that failed whole: retried if the failure is transient,
// else every record fails with ErrNonRetryable.
func (p *Producer) requestFailed(batch []*krec, err error, start time.Time, dur time.Duration, now time.Time) {
	code, msg := errorCode(err), errorMessage(err)
	att := Attempt{Start: start, Duration: dur, Code: code, Message: msg, Unanswered: mayHaveReached(err)}
	retryable := isRetryable(err) && !p.aborting.Load()
	for _, k := range batch {
		p.hist.recordBuffering(k.users, start)
		k.shard.c.errors.add(code)
		for ui := range k.users {
			u := &k.users[ui]
			switch {
			case p.aborting.Load():
				code, msg := u.lastError() // the last error before Close abandoned this attempt
				u.attempts = append(u.attempts, att)
				p.resolveFailed(u, k.shard, &RecordError{Kind: ErrClosed, Code: code, Message: msg}, now)
			case retryable:
				p.retry(u, k.shard, att, now, true)
			default:
				u.attempts = append(u.attempts, att)
				p.fail(u, k.shard, ErrNonRetryable, now)
			}
		}
	}
}

// mayHaveReached reports whether a failed request may have been stored: it was sent (or may have
// been) and no answer came. A request the service answered with an error stored nothing; one the
// SDK refused to send, or whose connection was refused, never reached it; one that timed out,
// broke mid-way or was cancelled by Close (the SDK reports status 0) may have.
func mayHaveReached(err error) bool {
	var apiErr smithy.APIError
	var respErr *awshttp.ResponseError
	if errors.As(err, &apiErr) || errors.As(err, &respErr) && respErr.HTTPStatusCode() > 0 {
		return false
	}
	if errors.As(err, new(*smithy.InvalidParamsError)) {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	return true
}

// nonRetryableCodes are service errors that retrying the same request cannot fix.
var nonRetryableCodes = map[string]bool{
	"ValidationException": true, "InvalidArgumentException": true, "ResourceNotFoundException": true,
	"AccessDeniedException": true, "UnrecognizedClientException": true, "InvalidSignatureException": true,
	"MissingAuthenticationTokenException": true, "IncompleteSignature": true,
	"KMSAccessDeniedException": true, "KMSDisabledException": true, "KMSInvalidStateException": true,
	"KMSNotFoundException": true, "KMSOptInRequired": true, "SerializationException": true,
	"UnknownOperationException": true,
}

// isRetryable: throttling, internal failures, 5xx, timeouts and connection errors are; the
// service's refusals of the request itself are not. Unknown errors are retried (bounded by
// RecordTtl) rather than dropped.
func isRetryable(err error) bool {
	if errors.As(err, new(*smithy.InvalidParamsError)) {
		return false // the SDK refused to send it: sending it again changes nothing
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return !nonRetryableCodes[ae.ErrorCode()]
	}
	return true // timeouts, connection errors, responses cut short
}

// errorCode names an error for attempts and ErrorsByCode: the service's code, or the kind of
// transport failure.
func errorCode(err error) string {
	if errors.As(err, new(*smithy.InvalidParamsError)) {
		return "InvalidParameter"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	// The SDK wraps transport failures in a ResponseError too, with status 0: no answer came,
	// so the code says why (it read "HTTP0", a status no server sent).
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() > 0 {
		return "HTTP" + itoa(re.HTTPStatusCode())
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "Timeout"
	case errors.Is(err, context.Canceled):
		return "Canceled"
	}
	return "ConnectionError"
}

func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return err.Error()
}
