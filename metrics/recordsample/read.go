package recordsample

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// Backoff after a refused call: from minBackoff doubling up to maxBackoff, with jitter so that
// several samplers (or shards) do not retry in step.
const (
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
)

// paceJitter is added to each shard's second between calls, so that the sampler's calls do not
// fall in step with another consumer's (or each other's).
const paceJitter = 50 * time.Millisecond

// noSDKRetries leaves retries to the sampler, which counts and paces every call.
func noSDKRetries(o *kinesis.Options) { o.Retryer = aws.NopRetryer{} }

// readShard reads one shard from LATEST, one GetRecords call a second at most, until its turn
// ends (ctx), the shard closes or cannot be read.
func (s *Sampler) readShard(ctx context.Context, id string, r *run) {
	defer s.wg.Done()
	defer r.cancel()
	var (
		iter     *string
		refusals int       // calls refused in a row
		next     time.Time // the earliest time of the next call
	)
	for {
		if !sleepUntil(ctx, s.cfg.Now, next) {
			return
		}
		start := s.cfg.Now()
		next = start.Add(time.Second + rand.N(paceJitter))
		if iter == nil {
			out, err := s.r.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(s.cfg.Stream),
				ShardId: aws.String(id), ShardIteratorType: types.ShardIteratorTypeLatest}, noSDKRetries)
			if err != nil {
				if !s.refused(ctx, id, r, "GetShardIterator", err, &refusals, &next) {
					return
				}
				continue
			}
			refusals = 0
			iter = out.ShardIterator
			s.readFrom(id, r, start)
			continue // the first call a second later returns that second's arrivals
		}
		if !s.waitForBytes(ctx) {
			return
		}
		out, err := s.r.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter, Limit: s.limit()}, noSDKRetries)
		s.countCall(err)
		var expired *types.ExpiredIteratorException
		switch {
		case errors.As(err, &expired):
			iter = nil
			s.gap(id, r, start)
			continue
		case err != nil:
			if !s.refused(ctx, id, r, "GetRecords", err, &refusals, &next) {
				return
			}
			continue
		}
		refusals = 0
		lastArrival := s.tally(id, r, out.Records, start)
		switch {
		case out.NextShardIterator == nil:
			s.endRun(id, r, "closed")
			return
		case time.Duration(aws.ToInt64(out.MillisBehindLatest))*time.Millisecond > s.maxLag():
			// Behind by more than the byte budget lets the sample catch up: skip to the newest
			// records, leaving a gap the shard's Seconds do not count.
			iter = nil
			s.gap(id, r, lastArrival)
		default:
			iter = out.NextShardIterator
		}
	}
}

// maxLag is how far a read may fall behind (its calls limited by the byte budget) before it
// skips to the newest records.
func (s *Sampler) maxLag() time.Duration { return min(10*time.Second, s.cfg.Window/4) }

// refused handles a failed call: it backs off on throttles and failures that may pass, and
// stops on the rest. It reports whether the read goes on.
func (s *Sampler) refused(ctx context.Context, id string, r *run, op string, err error, refusals *int, next *time.Time) bool {
	if ctx.Err() != nil {
		return false
	}
	var pt *types.ProvisionedThroughputExceededException
	var le *types.LimitExceededException
	var api smithy.APIError
	code := ""
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	why := ""
	switch {
	case errors.As(err, &pt) || errors.As(err, &le):
		why = fmt.Sprintf("%s: %s refused with %s (another consumer uses the shard's read capacity)", id, op, code)
		s.mu.Lock()
		s.throttled++
		s.mu.Unlock()
	case code == "AccessDeniedException" || code == "UnrecognizedClientException":
		s.fail(&failure{"denied", fmt.Sprintf("%s refused with %s: the credentials need kinesis:GetShardIterator and kinesis:GetRecords on stream %s: %v",
			op, code, s.cfg.Stream, err)})
		return false
	case len(code) > 3 && code[:3] == "KMS":
		s.fail(&failure{"denied", fmt.Sprintf("%s refused with %s: reading an encrypted stream needs kms:Decrypt on its key: %v", op, code, err)})
		return false
	case code == "ResourceNotFoundException":
		s.setErr(fmt.Sprintf("%s: %s: %s (the shard or stream is gone)", id, op, code))
		s.endRun(id, r, "not found")
		return false
	case code == "InvalidArgumentException" || code == "ValidationException":
		s.setErr(fmt.Sprintf("%s: %s: %v", id, op, err))
		s.endRun(id, r, "refused")
		return false
	default:
		why = fmt.Sprintf("%s: %s failed: %v", id, op, err)
	}
	*refusals++
	wait := min(maxBackoff, minBackoff<<min(*refusals-1, 5))
	wait = wait/2 + rand.N(wait/2+1)
	now := s.cfg.Now()
	*next = now.Add(wait)
	s.mu.Lock()
	r.backoffUntil, r.backoffWhy = *next, fmt.Sprintf("%s; backing off %v", why, wait.Round(100*time.Millisecond))
	s.lastErr = r.backoffWhy
	s.mu.Unlock()
	return true
}

// fail stops the whole sample: no shard can be read.
func (s *Sampler) fail(f *failure) {
	s.mu.Lock()
	if s.fatal == nil {
		s.fatal = f
	}
	s.mu.Unlock()
	s.poke()
}

func (s *Sampler) setErr(msg string) {
	s.mu.Lock()
	s.lastErr = msg
	s.mu.Unlock()
}

func (s *Sampler) countCall(err error) {
	s.mu.Lock()
	s.calls++
	if err == nil {
		s.okCalls++
	}
	s.mu.Unlock()
}

// waitForBytes waits until the byte budget holds this shard's share of a second's allowance,
// so that a call after an overdraft reads a useful page rather than a record or two.
func (s *Sampler) waitForBytes(ctx context.Context) bool {
	for {
		s.mu.Lock()
		now := s.cfg.Now()
		wait := s.budget.wait(now, s.budget.rate/float64(max(1, len(s.running))))
		s.mu.Unlock()
		if wait <= 0 {
			return true
		}
		if !sleepUntil(ctx, s.cfg.Now, now.Add(wait)) {
			return false
		}
	}
}

// limit is GetRecords' Limit: as many records of the average size as the byte budget's
// allowance, shared by the shards read, holds (nil before any record was read: the first
// calls return one second's arrivals).
func (s *Sampler) limit() *int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.avgRecordBytes <= 0 {
		return nil
	}
	share := max(s.budget.level, 0) / float64(max(1, len(s.running)))
	n := int32(min(10_000, max(1, share/s.avgRecordBytes)))
	if n >= 10_000 {
		return nil
	}
	return aws.Int32(n)
}

// readFrom starts a span of the shard read in full; gap ends it (the read skipped ahead or lost
// its iterator).
func (s *Sampler) readFrom(id string, r *run, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running[id] != r {
		return
	}
	r.backoffUntil, r.backoffWhy = time.Time{}, ""
	c := s.counts[id]
	if c == nil {
		c = newShardCounts()
		s.counts[id] = c
	}
	c.startSpan(t)
}

func (s *Sampler) gap(id string, r *run, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.counts[id]; c != nil && s.running[id] == r {
		c.endSpan(t)
	}
}

// sleepUntil waits until t by now's clock; false if ctx ended first.
func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) bool {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
