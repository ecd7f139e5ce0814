package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// API is the part of the Kinesis client the Reader calls (a *kinesis.Client has it).
type API interface {
	ListShards(context.Context, *kinesis.ListShardsInput, ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
	GetShardIterator(context.Context, *kinesis.GetShardIteratorInput, ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error)
	GetRecords(context.Context, *kinesis.GetRecordsInput, ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error)
}

// Defaults of ReaderConfig. GetRecords allows 5 calls/s and 2 MiB/s per shard, shared by every
// consumer of the stream: the read-back takes at most 2 calls and 1 MiB a second from each, so a
// consumer running beside it keeps more than half.
const (
	DefaultCallsPerShardPerSec = 2
	DefaultBytesPerShardPerSec = 1 << 20
	DefaultParallel            = 8
	DefaultClockSkew           = 5 * time.Second
	DefaultCallTimeout         = 30 * time.Second
	// maxFailures is how many calls in a row may fail (other than throttles) before a shard's
	// read gives up; maxThrottles the same for throttles, which the read waits out longer.
	maxFailures  = 10
	maxThrottles = 60
)

// ReaderConfig says what to read and how fast.
type ReaderConfig struct {
	Client API
	Stream string
	// RunID is the run whose records to count (see the envelope); Records the sequence
	// numbers it handed out (Ledger.Len).
	RunID   string
	Records uint64
	// Since is when the run started: each shard is read from Since minus ClockSkew
	// (AT_TIMESTAMP), or from its trim horizon where AT_TIMESTAMP is refused or Since is zero.
	Since     time.Time
	ClockSkew time.Duration
	// CallsPerShardPerSec and BytesPerShardPerSec pace the reads of each shard (defaults 2 and
	// 1 MiB); Parallel bounds the shards read at once (default 8).
	CallsPerShardPerSec float64
	BytesPerShardPerSec int64
	Parallel            int
	// CallTimeout bounds each call (default 30 s).
	CallTimeout time.Duration
}

func (c ReaderConfig) withDefaults() ReaderConfig {
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	}
	if c.CallsPerShardPerSec <= 0 {
		c.CallsPerShardPerSec = DefaultCallsPerShardPerSec
	}
	if c.BytesPerShardPerSec <= 0 {
		c.BytesPerShardPerSec = DefaultBytesPerShardPerSec
	}
	if c.Parallel <= 0 {
		c.Parallel = DefaultParallel
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	return c
}

// Cost is what a read-back cost: calls, bytes and time.
type Cost struct {
	ListShardsCalls, GetShardIteratorCalls, GetRecordsCalls int64
	// Throttles counts calls refused with ProvisionedThroughputExceededException or
	// LimitExceededException (waited out and retried).
	Throttles int64
	// Bytes are the data and partition key bytes GetRecords returned.
	Bytes   int64
	Seconds float64
}

// Progress is how far a read-back is.
type Progress struct {
	Shards, ShardsDone int
	// Records counts the copies of the run's records found so far.
	Records int64
}

// Reader reads a stream back for one run (see the package doc).
type Reader struct {
	cfg ReaderConfig

	shards, shardsDone                        atomic.Int64
	records                                   atomic.Int64
	listCalls, iterCalls, getCalls, throttles atomic.Int64
	bytes                                     atomic.Int64
	started                                   time.Time
	seconds                                   atomic.Int64 // nanoseconds, set when Read returns
}

// NewReader checks cfg and returns a reader.
func NewReader(cfg ReaderConfig) (*Reader, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("verify: ReaderConfig.Client is nil")
	case cfg.Stream == "":
		return nil, errors.New("verify: ReaderConfig.Stream is empty")
	case !ValidRunID(cfg.RunID):
		return nil, fmt.Errorf("verify: ReaderConfig.RunID %q: want %d lowercase hex digits", cfg.RunID, RunIDLen)
	}
	return &Reader{cfg: cfg.withDefaults()}, nil
}

// Progress returns how far the read is; safe to call while Read runs.
func (r *Reader) Progress() Progress {
	return Progress{Shards: int(r.shards.Load()), ShardsDone: int(r.shardsDone.Load()), Records: r.records.Load()}
}

// Cost returns what the read cost so far.
func (r *Reader) Cost() Cost {
	c := Cost{ListShardsCalls: r.listCalls.Load(), GetShardIteratorCalls: r.iterCalls.Load(), GetRecordsCalls: r.getCalls.Load(),
		Throttles: r.throttles.Load(), Bytes: r.bytes.Load()}
	if ns := r.seconds.Load(); ns > 0 {
		c.Seconds = time.Duration(ns).Seconds()
	} else if !r.started.IsZero() {
		c.Seconds = time.Since(r.started).Seconds()
	}
	return c
}

// Read lists the stream's shards and reads every one to its end, tallying the run's records.
// It fails if a shard cannot be read (the tally would be incomplete).
func (r *Reader) Read(ctx context.Context) (*Tally, error) {
	r.started = time.Now()
	defer func() { r.seconds.Store(int64(max(time.Since(r.started), 1))) }()
	shards, err := r.listShards(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the shards of %s: %w", r.cfg.Stream, err)
	}
	r.shards.Store(int64(len(shards)))
	tally := NewTally(r.cfg.Records)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, r.cfg.Parallel)
	var wg sync.WaitGroup
	errs := make([]error, len(shards))
	for i, sh := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			if errs[i] = r.readShard(ctx, sh, tally); errs[i] != nil {
				errs[i] = fmt.Errorf("read %s: %w", sh.id, errs[i])
				cancel()
				return
			}
			r.shardsDone.Add(1)
		}()
	}
	wg.Wait()
	if err := firstRealError(errs); err != nil {
		return nil, err
	}
	return tally, nil
}

// firstRealError is the first error that is not a cancellation caused by another's failure.
func firstRealError(errs []error) error {
	var canceled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled) && canceled == nil:
			canceled = err
		case !errors.Is(err, context.Canceled):
			return err
		}
	}
	return canceled
}

// shardInfo is a shard as ListShards names it.
type shardInfo struct {
	id     string
	hashes hashkey.Range
}

// listShards pages through ListShards: every shard the stream retains, closed ones included.
func (r *Reader) listShards(ctx context.Context) ([]shardInfo, error) {
	var out []shardInfo
	in := &kinesis.ListShardsInput{StreamName: aws.String(r.cfg.Stream)}
	for {
		var page *kinesis.ListShardsOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			r.listCalls.Add(1)
			page, err = r.cfg.Client.ListShards(ctx, in, noSDKRetries)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, s := range page.Shards {
			info, err := shardOf(s)
			if err != nil {
				return nil, err
			}
			out = append(out, info)
		}
		if page.NextToken == nil || *page.NextToken == "" {
			return out, nil
		}
		in = &kinesis.ListShardsInput{NextToken: page.NextToken}
	}
}

func shardOf(s types.Shard) (shardInfo, error) {
	id := aws.ToString(s.ShardId)
	if s.HashKeyRange == nil {
		return shardInfo{}, fmt.Errorf("shard %s has no hash key range", id)
	}
	start, ok1 := hashkey.Parse(aws.ToString(s.HashKeyRange.StartingHashKey))
	end, ok2 := hashkey.Parse(aws.ToString(s.HashKeyRange.EndingHashKey))
	if !ok1 || !ok2 {
		return shardInfo{}, fmt.Errorf("shard %s has a malformed hash key range", id)
	}
	return shardInfo{id: id, hashes: hashkey.Range{Start: start, End: end}}, nil
}

// noSDKRetries leaves retries to the reader, which paces them against the shard's limits.
func noSDKRetries(o *kinesis.Options) { o.Retryer = aws.NopRetryer{} }
