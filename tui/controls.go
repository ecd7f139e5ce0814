package tui

import "context"

// The keys act on the run through small optional interfaces, found by type assertion on the
// value given to Run or NewModel (as hashicorp/raft finds WithClose and WithPeers on a
// Transport): a load test implements them all; watch mode, which sends no load, only
// ShardScaler. A key whose interface is missing is left out of the hint line and the help
// screen, and pressing it changes nothing and says so.
//
// Every method returns at once (it may start work in the background) and reports its effect or
// its error for the event log; the change shows in the sampled figures within one sample
// interval. The dashboard calls them in tea.Cmds, off the UI goroutine.

// Pauser pauses and resumes the workload (space).
type Pauser interface {
	TogglePause() (paused bool)
}

// RateScaler multiplies the workload's target rate (+ and -: ×1.25 and ÷1.25).
type RateScaler interface {
	ScaleRate(factor float64) (newRate float64, err error)
}

// RateLimiter changes the producer's RateLimit by delta percentage points of the shard limits
// ([ and ]: ∓10).
type RateLimiter interface {
	AdjustRateLimit(delta float64) (newPercent float64, err error)
}

// KeyShaper changes how the workload draws partition keys: k switches to the next strategy,
// h and H move the hot key's share of traffic by ±0.05.
type KeyShaper interface {
	CycleKeys() (strategy string, err error)
	AdjustHotFraction(delta float64) (fraction float64, err error)
}

// ProducerToggles flip the producer's aggregation (a) and adaptive limiting (d).
type ProducerToggles interface {
	ToggleAggregation() (on bool, err error)
	ToggleAdaptive() (on bool, err error)
}

// HotShardSplitter splits the hottest open shard at the middle of its range (s). When
// resharding costs money (AWS) it returns ErrNeedsConfirmation instead, and the dashboard asks
// before it calls ShardScaler.ScaleShards to double the open shards.
type HotShardSplitter interface {
	SplitHottest(ctx context.Context) (result string, err error)
}

// ShardScaler calls UpdateShardCount (UNIFORM_SCALING) to target, once the user confirmed it.
// Without a HotShardSplitter, s asks at once to double the open shards.
type ShardScaler interface {
	ScaleShards(ctx context.Context, target int) (result string, err error)
}

// ShardMetricsEnabler turns on the stream's shard-level metrics (enhanced monitoring), which
// cost money per shard: e asks first with ShardMetricsCost's words and calls
// EnableShardMetrics only on a yes (watch mode).
type ShardMetricsEnabler interface {
	ShardMetricsCost() string
	EnableShardMetrics(ctx context.Context) (result string, err error)
}

// SettingsEditor lists every live knob with its current value, for the Settings view, and
// changes one by name from the text the user typed (the error names the problem).
type SettingsEditor interface {
	Settings() []Setting
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

// capabilities are the controls found on the value the dashboard was given; nil where the
// value does not offer one. They are found once, when the model is made.
type capabilities struct {
	pauser   Pauser
	rate     RateScaler
	limiter  RateLimiter
	shaper   KeyShaper
	toggles  ProducerToggles
	splitter HotShardSplitter
	scaler   ShardScaler
	settings SettingsEditor
	metrics  ShardMetricsEnabler
	drainer  Drainer
}

func findCapabilities(controls any) capabilities {
	var c capabilities
	c.pauser, _ = controls.(Pauser)
	c.rate, _ = controls.(RateScaler)
	c.limiter, _ = controls.(RateLimiter)
	c.shaper, _ = controls.(KeyShaper)
	c.toggles, _ = controls.(ProducerToggles)
	c.splitter, _ = controls.(HotShardSplitter)
	c.scaler, _ = controls.(ShardScaler)
	c.settings, _ = controls.(SettingsEditor)
	c.metrics, _ = controls.(ShardMetricsEnabler)
	c.drainer, _ = controls.(Drainer)
	return c
}
