package app

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
)

// Runs can stage the stories the scenarios tell: an encrypted stream whose key the producer
// may not use, a control-plane poller competing for the account's DescribeStream limit, a
// reshard in the middle of the load.

// encryptStream turns KMS encryption on for the embedded emulator's stream before the load.
func (r *Run) encryptStream(ctx context.Context) error {
	_, err := r.kin.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String(r.opts.Stream),
		EncryptionType: types.EncryptionTypeKms, KeyId: aws.String(r.opts.EncryptStream)})
	if err != nil {
		return fmt.Errorf("encrypt stream %s: %w", r.opts.Stream, err)
	}
	r.events.Addf(Info, "stream encrypted with KMS key %s", r.opts.EncryptStream)
	return nil
}

// pollDescribeStream calls DescribeStream perSec times a second, as a monitoring tool beside a
// producer would, and reports the calls refused with LimitExceededException (the account's
// limit is 10/s). Each call runs on its own goroutine (at most 64 at once), so slow answers do
// not lower the rate asked; SDK retries are off so each refusal is seen once.
func (r *Run) pollDescribeStream(ctx context.Context, perSec float64) {
	defer r.watchWG.Done()
	t := time.NewTicker(time.Duration(float64(time.Second) / perSec))
	defer t.Stop()
	report := time.NewTicker(5 * time.Second)
	defer report.Stop()
	var calls, refused atomic.Int64
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	slots := make(chan struct{}, 64)
	noRetry := func(o *kinesis.Options) { o.RetryMaxAttempts = 1 }
	poller := r.client("DescribeStream poller (--describe-poll-rate)")
	for {
		select {
		case <-ctx.Done():
			return
		case <-report.C:
			if n, c := refused.Swap(0), calls.Swap(0); n > 0 {
				r.events.Addf(Warn, "DescribeStream poller: %d of %d calls refused with LimitExceededException (limit 10/s per account)", n, c)
			}
			continue
		case <-t.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			continue // 64 calls unanswered: the backend is stuck, do not pile on
		}
		inFlight.Add(1)
		go func() {
			defer func() { <-slots; inFlight.Done() }()
			_, err := poller.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(r.opts.Stream)}, noRetry)
			calls.Add(1)
			var le *types.LimitExceededException
			if errors.As(err, &le) {
				refused.Add(1)
			}
		}()
	}
}

// reshardAfter doubles the stream's shards (UpdateShardCount, uniform) once the load has run
// for d.
func (r *Run) reshardAfter(ctx context.Context, d time.Duration) {
	defer r.watchWG.Done()
	select {
	case <-ctx.Done():
		return
	case <-time.After(d):
	}
	target := 2 * len(r.eng.Stats().Shards)
	if _, err := r.ScaleShards(ctx, target); err != nil {
		r.events.Addf(Error, "reshard after %v: UpdateShardCount to %d: %v", d, target, err)
		return
	}
	r.events.Addf(Info, "reshard after %v: UpdateShardCount to %d shards under load", d, target)
}
