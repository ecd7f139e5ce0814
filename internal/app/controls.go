package app

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/tui"
	"github.com/shardstorm/shardstorm/workload"
)

// A load test offers every control of the dashboard.
var (
	_ tui.Pauser           = (*Run)(nil)
	_ tui.RateScaler       = (*Run)(nil)
	_ tui.RateLimiter      = (*Run)(nil)
	_ tui.KeyShaper        = (*Run)(nil)
	_ tui.ProducerToggles  = (*Run)(nil)
	_ tui.HotShardSplitter = (*Run)(nil)
	_ tui.ShardScaler      = (*Run)(nil)
	_ tui.SettingsEditor   = (*Run)(nil)
)

// The controls report their effect to their caller (the dashboard logs each key's result);
// the run's own event log is for what happens in the background.

// keyCycle is the order `k` steps through: from spread to skewed and back.
var keyCycle = []string{"random", "pool:1000", "zipf:1.1:1000", "hot:0.3", "ehk", "shard:0"}

// TogglePause pauses or resumes the workload.
func (r *Run) TogglePause() bool {
	if r.gen.Stats().Paused {
		r.gen.Resume()
		return false
	}
	r.gen.Pause()
	return true
}

// SetPaused pauses or resumes the workload (the control API's "paused"), reporting whether
// that changed anything.
func (r *Run) SetPaused(paused bool) (changed bool) {
	if r.gen.Stats().Paused == paused {
		return false
	}
	if paused {
		r.gen.Pause()
	} else {
		r.gen.Resume()
	}
	return true
}

// ScaleRate multiplies the workload's target rate.
func (r *Run) ScaleRate(factor float64) (float64, error) {
	if err := r.gen.MultiplyRate(factor); err != nil {
		return 0, err
	}
	rate := r.gen.Stats().TargetRate
	return rate, nil
}

// AdjustRateLimit moves the producer's RateLimit by delta percentage points (at least 10%).
func (r *Run) AdjustRateLimit(delta float64) (float64, error) {
	t, err := r.tunable()
	if err != nil {
		return 0, err
	}
	var now float64
	err = t.Reconfigure(func(c *producer.Config) {
		c.RateLimit = max(10, c.RateLimit+delta)
		now = c.RateLimit
	})
	if err != nil {
		return 0, err
	}
	return now, nil
}

// CycleKeys switches to the next key strategy of keyCycle.
func (r *Run) CycleKeys() (string, error) {
	r.mu.Lock()
	r.keysCursor = (r.keysCursor + 1) % len(keyCycle)
	next := keyCycle[r.keysCursor]
	r.mu.Unlock()
	k, err := workload.ParseKeys(next)
	if err != nil {
		return "", err
	}
	if err := r.gen.SetKeys(k); err != nil {
		return "", err
	}
	return k.String(), nil
}

// AdjustHotFraction changes the hot key's share (making the strategy "hot" if it was not).
func (r *Run) AdjustHotFraction(delta float64) (float64, error) {
	cur := 0.0
	if k, err := workload.ParseKeys(r.gen.Stats().Keys); err == nil && k.Kind == workload.KeysHot {
		cur = k.Fraction
	}
	f := min(1, max(0, cur+delta))
	if err := r.gen.SetHotFraction(f); err != nil {
		return 0, err
	}
	return f, nil
}

// ToggleAggregation flips the producer's aggregation.
func (r *Run) ToggleAggregation() (bool, error) {
	t, err := r.tunable()
	if err != nil {
		return false, err
	}
	var on bool
	err = t.Reconfigure(func(c *producer.Config) { on = c.DisableAggregation; c.DisableAggregation = !on })
	return on, err
}

// ToggleAdaptive flips adaptive limiting.
func (r *Run) ToggleAdaptive() (bool, error) {
	t, err := r.tunable()
	if err != nil {
		return false, err
	}
	var on bool
	err = t.Reconfigure(func(c *producer.Config) { on = c.DisableAdaptive; c.DisableAdaptive = !on })
	return on, err
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// SplitHottest splits the open shard with the most traffic in the last sample at the middle of
// its hash range. Against AWS it does nothing and asks for confirmation (resharding costs money).
func (r *Run) SplitHottest(ctx context.Context) (string, error) {
	if r.opts.AWS {
		return "", tui.ErrNeedsConfirmation
	}
	st := r.eng.Stats()
	hottest, best := "", -1.0
	if snap := r.sampler.Store().Latest(); snap != nil {
		for _, s := range st.Shards {
			if v := snap.Shard(s.ShardID); v != nil {
				if pct := max(v.Get(metrics.PutBytesPct), v.Get(metrics.PutRecordsPct), v.Get(metrics.ThrottledRecordsPct)); pct > best {
					hottest, best = s.ShardID, pct
				}
			}
		}
	}
	for _, s := range st.Shards {
		if s.ShardID != hottest && hottest != "" {
			continue
		}
		lo, _ := hashkey.Parse(s.StartingHashKey)
		hi, _ := hashkey.Parse(s.EndingHashKey)
		mid := hashkey.Range{Start: lo, End: hi}.Mid()
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := r.kin.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(r.opts.Stream), ShardToSplit: aws.String(s.ShardID), NewStartingHashKey: aws.String(mid.String())})
		if err != nil {
			return "", fmt.Errorf("split %s: %w", s.ShardID, err)
		}
		msg := fmt.Sprintf("split %s at %s", s.ShardID, mid)
		return msg, nil
	}
	return "", fmt.Errorf("no open shard to split")
}

// ScaleShards calls UpdateShardCount with uniform scaling.
func (r *Run) ScaleShards(ctx context.Context, target int) (string, error) {
	return scaleShards(ctx, r.kin, r.opts.Stream, target)
}

// scaleShards starts UpdateShardCount (UNIFORM_SCALING) to target: the dashboard's reshard after
// the user confirmed it, for a run and a watch alike.
func scaleShards(ctx context.Context, kin *kinesis.Client, stream string, target int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := kin.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String(stream),
		TargetShardCount: aws.Int32(int32(target)), ScalingType: types.ScalingTypeUniformScaling})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("UpdateShardCount to %d shards started", target), nil
}
