package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// shardScan is the state of one shard's read: where it is, and what the order check needs.
type shardScan struct {
	info shardInfo
	// seen marks the run's records already found in this shard (a bit each); maxFirst is, by
	// partition key, 1 + the highest sequence number whose first copy in this shard was read.
	seen     []uint64
	maxFirst map[string]uint64
	lastSeq  string // the shard sequence number of the last Kinesis record read
}

// readShard reads one shard from the run's start to its end.
func (r *Reader) readShard(ctx context.Context, info shardInfo, tally *Tally) error {
	sc := &shardScan{info: info, seen: make([]uint64, (r.cfg.Records+63)/64), maxFirst: map[string]uint64{}}
	iter, err := r.iterator(ctx, sc)
	if err != nil {
		return err
	}
	for iter != nil {
		var page *kinesis.GetRecordsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			r.getCalls.Add(1)
			page, err = r.cfg.Client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter}, noSDKRetries)
			return err
		})
		var expired *types.ExpiredIteratorException
		if errors.As(err, &expired) {
			if iter, err = r.iterator(ctx, sc); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		bytes := r.tallyPage(sc, page.Records, tally)
		// The end: a closed shard's iterator ends; an open shard is read when a page comes back
		// empty and says it is not behind.
		if page.NextShardIterator == nil || len(page.Records) == 0 && aws.ToInt64(page.MillisBehindLatest) == 0 {
			return nil
		}
		iter = page.NextShardIterator
		if err := r.pace(ctx, bytes); err != nil {
			return err
		}
	}
	return nil
}

// iterator returns an iterator at the run's start (or after the last record read, when an
// iterator expired mid-read).
func (r *Reader) iterator(ctx context.Context, sc *shardScan) (*string, error) {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(r.cfg.Stream), ShardId: aws.String(sc.info.id)}
	switch {
	case sc.lastSeq != "":
		in.ShardIteratorType, in.StartingSequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(sc.lastSeq)
	case r.cfg.Since.IsZero():
		in.ShardIteratorType = types.ShardIteratorTypeTrimHorizon
	default:
		in.ShardIteratorType, in.Timestamp = types.ShardIteratorTypeAtTimestamp, aws.Time(r.cfg.Since.Add(-r.cfg.ClockSkew))
	}
	get := func() (*string, error) {
		var out *kinesis.GetShardIteratorOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			r.iterCalls.Add(1)
			out, err = r.cfg.Client.GetShardIterator(ctx, in, noSDKRetries)
			return err
		})
		if err != nil {
			return nil, err
		}
		return out.ShardIterator, nil
	}
	it, err := get()
	var invalid *types.InvalidArgumentException
	if in.ShardIteratorType == types.ShardIteratorTypeAtTimestamp && errors.As(err, &invalid) {
		// Some Kinesis-compatible services refuse AT_TIMESTAMP: read the whole shard instead.
		in.ShardIteratorType, in.Timestamp = types.ShardIteratorTypeTrimHorizon, nil
		it, err = get()
	}
	if err != nil {
		return nil, fmt.Errorf("GetShardIterator %s: %w", in.ShardIteratorType, err)
	}
	return it, nil
}

// tallyPage counts one page's records and returns the bytes it held (data and keys).
func (r *Reader) tallyPage(sc *shardScan, recs []types.Record, tally *Tally) int64 {
	var bytes, order, foreign, malformed int64
	var copies []found
	for _, rec := range recs {
		pk := aws.ToString(rec.PartitionKey)
		bytes += int64(len(rec.Data) + len(pk))
		sc.lastSeq = aws.ToString(rec.SequenceNumber)
		subs, aggregated, err := kpl.Deaggregate(rec.Data)
		switch {
		case err != nil:
			malformed++
			continue
		case !aggregated:
			subs = []kpl.Record{{PartitionKey: pk, Data: rec.Data}}
		}
		dropped := aggregated && !sc.allInRange(subs)
		for _, sub := range subs {
			seq, ok := decodeOf(sub.Data, r.cfg.RunID)
			if !ok {
				foreign++
				continue
			}
			copies = append(copies, found{seq: seq, kclDropped: dropped})
			if !dropped && sc.firstCopy(seq) {
				order += sc.checkOrder(sub.PartitionKey, seq)
			}
		}
	}
	tally.add(copies, order, foreign, malformed)
	r.records.Add(int64(len(copies)))
	r.bytes.Add(bytes)
	return bytes
}

// allInRange applies the KCL's rule to an aggregate stored in this shard: a KCL consumer
// (AggregatorUtil.deaggregate, KCL 1.x and 2.x) delivers its sub-records only if every one's hash
// key lies in the shard's range; at the first outside it, it drops the whole aggregate (those
// before it included). A plain record is where Kinesis routed it: never dropped.
func (sc *shardScan) allInRange(subs []kpl.Record) bool {
	for _, sub := range subs {
		if !sc.info.hashes.Contains(hashOf(sub)) {
			return false
		}
	}
	return true
}

// hashOf is the hash key Kinesis (and the KCL) route a user record by.
func hashOf(rec kpl.Record) hashkey.Key {
	if rec.ExplicitHashKey != "" {
		if k, ok := hashkey.Parse(rec.ExplicitHashKey); ok {
			return k
		}
	}
	return hashkey.OfPartitionKey(rec.PartitionKey)
}

// firstCopy reports whether seq is seen in this shard for the first time (records beyond the
// ledger always are: they are counted as unknown, not ordered).
func (sc *shardScan) firstCopy(seq uint64) bool {
	w, bit := seq/64, uint64(1)<<(seq%64)
	if w >= uint64(len(sc.seen)) {
		return false
	}
	if sc.seen[w]&bit != 0 {
		return false
	}
	sc.seen[w] |= bit
	return true
}

// checkOrder returns 1 if seq's first copy comes after a later record of the same key.
func (sc *shardScan) checkOrder(key string, seq uint64) int64 {
	if m := sc.maxFirst[key]; m > seq+1 {
		return 1
	} else if m < seq+1 {
		sc.maxFirst[key] = seq + 1
	}
	return 0
}

// pace waits before the next GetRecords of a shard: long enough for the calls and bytes budgets.
func (r *Reader) pace(ctx context.Context, bytes int64) error {
	wait := time.Duration(float64(time.Second) / r.cfg.CallsPerShardPerSec)
	wait = max(wait, time.Duration(float64(bytes)/float64(r.cfg.BytesPerShardPerSec)*float64(time.Second)))
	return sleep(ctx, wait)
}

// call runs one API call with the call timeout, retrying what may pass: throttles (backing off
// up to 10 s, at most maxThrottles in a row) and other failures but the caller's mistakes (at
// most maxFailures in a row). ExpiredIteratorException is the caller's to handle.
func (r *Reader) call(ctx context.Context, do func(context.Context) error) error {
	var throttles, failures int
	for {
		cctx, cancel := context.WithTimeout(ctx, r.cfg.CallTimeout)
		err := do(cctx)
		cancel()
		if err == nil || ctx.Err() != nil {
			if err != nil {
				return ctx.Err()
			}
			return nil
		}
		var wait time.Duration
		switch {
		case isThrottle(err):
			r.throttles.Add(1)
			throttles++
			if throttles > maxThrottles {
				return fmt.Errorf("throttled %d times in a row: %w", throttles, err)
			}
			wait = min(time.Duration(1<<min(throttles-1, 4))*time.Second, 10*time.Second)
		case !retryable(err):
			return err
		default:
			failures++
			if failures >= maxFailures {
				return fmt.Errorf("failed %d times in a row: %w", failures, err)
			}
			wait = min(time.Duration(failures)*200*time.Millisecond, 2*time.Second)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func isThrottle(err error) bool {
	var pt *types.ProvisionedThroughputExceededException
	var le *types.LimitExceededException
	return errors.As(err, &pt) || errors.As(err, &le)
}

// retryable reports whether a failure may pass on its own: not one that names the caller's
// mistake (a missing stream or shard, a bad argument, a denied permission, an expired iterator).
func retryable(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ResourceNotFoundException", "InvalidArgumentException", "ValidationException", "AccessDeniedException",
			"ExpiredIteratorException", "KMSAccessDeniedException", "KMSNotFoundException", "KMSDisabledException",
			"KMSInvalidStateException", "KMSOptInRequired", "UnrecognizedClientException":
			return false
		}
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
