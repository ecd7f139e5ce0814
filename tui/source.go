package tui

import (
	"context"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// Source is everything the dashboard reads. internal/app implements it over a live run; tests
// implement it over a metrics.Store fed with synthetic producer stats. Every method must be cheap
// and safe to call from the UI goroutine at the frame rate.
type Source interface {
	// Info describes the run for the header.
	Info() RunInfo
	// Store holds the sampled series (metrics.Store.Latest is lock-free).
	Store() *metrics.Store
	// HotKeys explains hot shards by their keys; nil when not tracked.
	HotKeys() *metrics.HotKeys
	// CloudWatch is the poller of the stream's CloudWatch metrics; nil when not polling.
	CloudWatch() *cloudwatch.Poller
	// Events are the run's event log (errors, reshards, configuration changes), oldest first.
	Events() []Event
	// Findings are the advisor's diagnoses, most severe first (empty until the advisor runs).
	Findings() []metrics.Finding
}

// RunInfo is what the header shows besides the live figures.
type RunInfo struct {
	Stream  string
	Backend string // "local" (embedded emulator), "endpoint" (another Kinesis-compatible one) or "AWS"
	Region  string
	Started time.Time
	// Err is a run-level error to show in place of the figures (bad credentials, missing stream,
	// KMS denied): the dashboard stays up and shows it, never crashes or freezes.
	Err string
}

// Event is one line of the event log.
type Event struct {
	Time  time.Time
	Level string // "info", "warn" or "error"
	Text  string
}

// Controls are what the keys do. Each call returns at once (it may start work in the
// background) and reports its effect or its error as a string for the event log; the change
// shows in the sampled figures within one sample interval.
type Controls interface {
	// TogglePause pauses or resumes the workload.
	TogglePause() (paused bool)
	// ScaleRate multiplies the workload's target rate (×1.25 or ÷1.25 from + and -).
	ScaleRate(factor float64) (newRate float64, err error)
	// AdjustRateLimit changes the producer's RateLimit by delta percentage points of the shard
	// limits ([ and ] use ∓10).
	AdjustRateLimit(delta float64) (newPercent float64, err error)
	// CycleKeys switches the workload to the next partition-key strategy.
	CycleKeys() (strategy string, err error)
	// AdjustHotFraction changes the hot key's share of traffic by delta (h: +0.05, H: −0.05).
	AdjustHotFraction(delta float64) (fraction float64, err error)
	// ToggleAggregation and ToggleAdaptive flip the producer's settings.
	ToggleAggregation() (on bool, err error)
	ToggleAdaptive() (on bool, err error)
	// SplitHottest splits the hottest open shard at the middle of its range. Only against the
	// embedded emulator; against AWS it returns ErrNeedsConfirmation and the dashboard asks
	// before calling ScaleShards.
	SplitHottest(ctx context.Context) (result string, err error)
	// ScaleShards calls UpdateShardCount (UNIFORM_SCALING) to target.
	ScaleShards(ctx context.Context, target int) (result string, err error)
	// Settings lists every live knob with its current value, for the Settings view.
	Settings() []Setting
	// Set changes one knob by name from the text the user typed; the error names the problem.
	Set(name, value string) error
}

// Setting is one live knob.
type Setting struct {
	Name  string // e.g. "rate", "rate-limit", "keys", "hot-fraction", "record-size", "aggregation"
	Value string
	Help  string
}

// ErrNeedsConfirmation is returned by SplitHottest when resharding costs money (AWS).
var ErrNeedsConfirmation = errNeedsConfirmation{}

type errNeedsConfirmation struct{}

func (errNeedsConfirmation) Error() string { return "resharding a real stream needs confirmation" }
