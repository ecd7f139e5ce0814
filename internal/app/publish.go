package app

import (
	"context"
	"fmt"
	"time"

	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// PublishOptions configure `run --publish-metrics`: the producer's figures uploaded to
// CloudWatch under the KPL's names, each datum with an Agent dimension, so that `shardstorm
// watch` reads a fleet of headless agents on many machines as one (sums and a per-agent table),
// through CloudWatch — no coordinator of our own.
type PublishOptions struct {
	Enabled bool
	// Namespace: default KinesisProducerLibrary, like the KPL.
	Namespace string
	// Agent is the Agent dimension's value. Default the host name; agents sharing a host need
	// distinct names, or their figures are one series (and each overwrites the other's).
	Agent string
	// Granularity: global, stream (default) or shard.
	Granularity string
	// Interval between uploads: 0 is 1 s against an endpoint or the embedded emulator, 60 s on
	// AWS (cwmetrics.DefaultPublisherConfig).
	Interval time.Duration
}

// publishTimeout bounds the last upload after the drain: the run's end must not hang on
// CloudWatch.
const publishTimeout = 10 * time.Second

// newPublisher makes the run's publisher, nil when publishing is off.
func (r *Run) newPublisher() (*cwmetrics.Publisher, error) {
	o := r.opts.Publish
	if !o.Enabled {
		return nil, nil
	}
	cfg := cwmetrics.DefaultPublisherConfig(r.opts.Stream, r.endpoint)
	cfg.Namespace, cfg.Agent = o.Namespace, o.Agent
	if cfg.Namespace == "" {
		cfg.Namespace = cwmetrics.DefaultPublisherNamespace
	}
	if cfg.Agent == "" {
		cfg.Agent = defaultAgentName()
	}
	if o.Granularity != "" {
		g, err := cwmetrics.ParsePublisherGranularity(o.Granularity)
		if err != nil {
			return nil, fmt.Errorf("--publish-granularity: %w", err)
		}
		cfg.Granularity = g
	}
	if o.Interval > 0 {
		cfg.Interval = o.Interval
		cfg.BackoffMax = 0 // recomputed from the interval
	}
	return cwmetrics.NewPublisher(r.cw, r.eng, cfg)
}

// PublishTotals reports what `--publish-metrics` uploaded (calls, datums, dropped, pending),
// false when publishing is off.
func (r *Run) PublishTotals() (cwmetrics.PublisherTotals, bool) {
	if r.pub == nil {
		return cwmetrics.PublisherTotals{}, false
	}
	return r.pub.Totals(), true
}

// PublishDescription names where the run publishes, for the summary: "namespace N, agent A,
// granularity G, every I"; "" when publishing is off.
func (r *Run) PublishDescription() string {
	if r.pub == nil {
		return ""
	}
	c := r.pub.Config()
	return fmt.Sprintf("namespace %s, agent %s, granularity %s, every %v", c.Namespace, c.Agent, c.Granularity, c.Interval)
}

// finishPublishing stops the background uploads and sends the last interval (the drain's
// figures), so what CloudWatch holds adds up to what the producer did.
func (r *Run) finishPublishing() {
	if r.pub == nil {
		return
	}
	r.pub.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	if err := r.pub.Publish(ctx); err != nil {
		r.events.Addf(Warn, "publishing metrics: the last upload failed: %v", err)
	}
	r.notePublisher(new(cwmetrics.Status))
}

// notePublisher logs the publisher's status when it differs from *last, as noteCloudWatch
// does for the poller: denied access (no cloudwatch:PutMetricData) or an outage shows in the
// run's event log.
func (r *Run) notePublisher(last *cwmetrics.Status) {
	s := r.pub.State()
	if s.Status == *last {
		return
	}
	*last = s.Status
	level := Info
	switch s.Status {
	case cwmetrics.AccessDenied, cwmetrics.Unavailable:
		level = Error
	case cwmetrics.Degraded:
		level = Warn
	}
	what := s.Status.String()
	if s.Status == cwmetrics.AccessDenied {
		what += " (the policy needs cloudwatch:PutMetricData)"
	}
	r.events.Addf(level, "publishing metrics: %s %s", what, s.Err)
}
