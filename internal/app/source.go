package app

import (
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/tui"
)

var _ tui.Source = (*Run)(nil)

// Info describes the run for the dashboard's header.
func (r *Run) Info() tui.RunInfo {
	return tui.RunInfo{Stream: r.opts.Stream, Backend: r.opts.Backend(), Region: r.opts.Region, Started: r.started}
}

// Store holds the sampled series.
func (r *Run) Store() *metrics.Store { return r.sampler.Store() }

// HotKeys tracks each shard's top keys.
func (r *Run) HotKeys() *metrics.HotKeys { return r.hot }

// CloudWatch is the poller of the stream's CloudWatch metrics (nil when not polling).
func (r *Run) CloudWatch() *metrics.CloudWatchPoller { return r.poller }

// Events returns the event log.
func (r *Run) Events() []tui.Event {
	evs := r.events.Events()
	out := make([]tui.Event, len(evs))
	for i, e := range evs {
		out[i] = tui.Event{Time: e.Time, Level: e.Level.String(), Text: e.Text}
	}
	return out
}

// Findings are the advisor's; there is no advisor yet.
func (r *Run) Findings() []metrics.Finding { return nil }
