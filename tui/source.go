package tui

import (
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
	// Finished is when the load ended by itself (its --duration), zero while it runs: the
	// header says "finished", elapsed stops there, and the keys that would change the load
	// say why they cannot. The dashboard stays up for reading until q.
	Finished time.Time
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

// OutsideSource is what a watch offers beyond Source, found by type assertion on the Source: the
// view from outside the producer (the sources read, at what resolution and cost, and the
// figures) and what cannot be seen from there. The Findings view lists them, so that "no
// finding" says what was checked and from what.
type OutsideSource interface {
	// Outside is the latest outside view; nil before the first.
	Outside() *metrics.OutsideView
	// Unseen lists what cannot be seen from outside the producer.
	Unseen() []string
}
