package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/tui"
)

// errNoLoad answers every load control of a watch.
var errNoLoad = errors.New("watch mode: no load to control")

// TogglePause has nothing to pause; the dashboard cannot be told so (the call has no error),
// and the event log says it.
func (w *Watch) TogglePause() bool {
	w.events.Addf(Warn, "%v", errNoLoad)
	return false
}

func (w *Watch) ScaleRate(float64) (float64, error)         { return 0, errNoLoad }
func (w *Watch) AdjustRateLimit(float64) (float64, error)   { return 0, errNoLoad }
func (w *Watch) CycleKeys() (string, error)                 { return "", errNoLoad }
func (w *Watch) AdjustHotFraction(float64) (float64, error) { return 0, errNoLoad }
func (w *Watch) ToggleAggregation() (bool, error)           { return false, errNoLoad }
func (w *Watch) ToggleAdaptive() (bool, error)              { return false, errNoLoad }

// Settings: a watch has no live knobs.
func (w *Watch) Settings() []tui.Setting { return nil }

// Set has nothing to set.
func (w *Watch) Set(string, string) error { return errNoLoad }

// SplitHottest never splits on its own: resharding a stream someone else runs needs the
// user's confirmation, after which the dashboard calls ScaleShards.
func (w *Watch) SplitHottest(context.Context) (string, error) { return "", tui.ErrNeedsConfirmation }

// ScaleShards calls UpdateShardCount with uniform scaling (the user confirmed it).
func (w *Watch) ScaleShards(ctx context.Context, target int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := w.kin.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String(w.opts.Stream),
		TargetShardCount: aws.Int32(int32(target)), ScalingType: types.ScalingTypeUniformScaling})
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("UpdateShardCount to %d shards started", target)
	w.events.Addf(Info, "%s", msg)
	return msg, nil
}
