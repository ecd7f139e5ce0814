package app

import (
	"context"

	"github.com/shardstorm/shardstorm/advisor"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/metrics/recordsample"
)

// The sources of a watch beyond ListShards, DescribeStreamSummary and the AWS/Kinesis poller
// are optional parts, each behind a small interface so that this package depends on what it
// reads, not on how it is read: the KPL's and shardstorm agents' CloudWatch metrics
// (metrics/cloudwatch's namespace readers), the record sample (metrics/recordsample) and the
// advisor's outside rules. A part left nil shows in Sources as off, saying so — never as if it
// had been read.

// figureSource is a CloudWatch reader of one namespace: the KPL's or shardstorm agents'.
type figureSource interface {
	Figures() *metrics.CWFigures
	Source() metrics.Source
}

// sampleSource is the paced reader of the stream's newest records. The watch tells it the
// open shards and the busiest of them (hot shards are sampled first).
type sampleSource interface {
	Sample() *metrics.RecordSample
	Source() metrics.Source
	SetShards([]metrics.ShardRange)
	SetBusiest([]string)
}

// outsideAdvisor diagnoses a stream from outside: ObserveOutside evaluates one view, Active
// lists the findings that hold now (most severe first), History every finding raised.
type outsideAdvisor interface {
	ObserveOutside(v *metrics.OutsideView) (raised, cleared []metrics.Finding)
	Active() []metrics.Finding
	History() []metrics.Finding
}

// watchParts are the optional parts of a watch; StartWatch takes them from
// WatchOptions.parts (nil each until wired).
type watchParts struct {
	kpl    figureSource // KPL metrics (namespace KinesisProducerLibrary by default)
	agents figureSource // shardstorm agents' metrics (`run --publish-metrics`)
	sample sampleSource
	// advisor and unseen (advisor.Unseen) come together.
	advisor outsideAdvisor
	unseen  func(v *metrics.OutsideView) []string
}

// sourceOff is the Source of a part turned off, saying how to turn it on.
func sourceOff(name, how string) metrics.Source {
	return metrics.Source{Name: name, Status: "off", Detail: "off for this watch; " + how}
}

// newWatchParts builds the optional parts over the watch's clients: the KPL's and the agents'
// namespace readers (unless "off"), the record sample (unless SampleShards is 0) and the
// advisor's outside rules. A part turned off shows in Sources as off, saying how to turn it on.
func newWatchParts(conn *Run, o WatchOptions) (watchParts, error) {
	period := cloudwatch.PeriodFor(conn.endpoint)
	p := watchParts{advisor: advisor.New(advisor.Config{}), unseen: advisor.Unseen}
	reader := func(ns string, agents bool) (figureSource, error) {
		if ns == NamespaceOff {
			return nil, nil
		}
		if ns == "" {
			ns = cloudwatch.DefaultPublisherNamespace
		}
		return cloudwatch.NewNamespaceReader(conn.cw, cloudwatch.NamespaceConfig{Namespace: ns, StreamName: o.Stream, Agents: agents, Period: period})
	}
	var err error
	if p.kpl, err = reader(o.KPLNamespace, false); err != nil {
		return p, err
	}
	if p.agents, err = reader(o.AgentsNamespace, true); err != nil {
		return p, err
	}
	if o.SampleShards > 0 {
		s, err := recordsample.New(conn.kin, recordsample.Config{Stream: o.Stream, MaxShards: o.SampleShards, MaxBytesPerSec: o.SampleBytesPerSec})
		if err != nil {
			return p, err
		}
		p.sample = s
	}
	return p, nil
}

// background is a part that reads in the background between Start and Stop (the namespace
// readers and the record sampler do).
type background interface {
	Start(ctx context.Context)
	Stop()
}

// each lists the parts that run in the background.
func (p watchParts) each() []background {
	var out []background
	for _, part := range []any{p.kpl, p.agents, p.sample} {
		if b, ok := part.(background); ok && part != nil {
			out = append(out, b)
		}
	}
	return out
}

// start starts the background parts with the watch; stop stops them when it ends.
func (p watchParts) start(ctx context.Context) {
	for _, b := range p.each() {
		b.Start(ctx)
	}
}

func (p watchParts) stop() {
	for _, b := range p.each() {
		b.Stop()
	}
}
