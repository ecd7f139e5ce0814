package app

import (
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/tui"
)

var _ tui.Source = (*Run)(nil)

// Info describes the run for the dashboard's header. While records fail and none succeed (the
// latest sample), the last failure's message is the run's error, so a KMS denial or revoked
// credentials show at once, in the service's words; sporadic failures stay in the event log.
func (r *Run) Info() tui.RunInfo {
	info := tui.RunInfo{Stream: r.opts.Stream, Backend: r.opts.Backend(), Region: r.opts.Region, Started: r.started}
	select {
	case <-r.done:
		if !r.stopping.Load() { // its --duration ended; a stopped run shows its drain instead
			info.Finished = r.ended
		}
	default:
	}
	if snap := r.sampler.Store().Latest(); snap != nil && snap.Stream.Get(metrics.Failed) > 0 && !(snap.Stream.Get(metrics.UserRecordsPut) > 0) {
		info.Err = r.sink.Outcomes().LastError
	}
	return info
}

// Store holds the sampled series.
func (r *Run) Store() *metrics.Store { return r.sampler.Store() }

// HotKeys tracks each shard's top keys.
func (r *Run) HotKeys() *metrics.HotKeys { return r.hot }

// CloudWatch is the poller of the stream's CloudWatch metrics (nil when not polling).
func (r *Run) CloudWatch() *cloudwatch.Poller { return r.poller }

// Events returns the event log.
func (r *Run) Events() []tui.Event {
	return r.events.ForDashboard()
}

// Findings are the advisor's findings in force, most severe first.
func (r *Run) Findings() []metrics.Finding { return r.adv.Active() }

// FindingsHistory is every finding raised so far, cleared ones included (Active false).
func (r *Run) FindingsHistory() []metrics.Finding { return r.adv.History() }
