package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/shardstorm/shardstorm/advisor"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/metrics/recordsample"
)

// The concrete parts fit the watch's interfaces: wiring them is a matter of newWatchParts.
var (
	_ figureSource   = (*cloudwatch.NamespaceReader)(nil)
	_ sampleSource   = (*recordsample.Sampler)(nil)
	_ outsideAdvisor = (*advisor.Advisor)(nil)
	_                = watchParts{unseen: advisor.Unseen}
)

// The parts' contribution to a watch, each through its interface: figures and sources in the
// view in their fixed places, the open shards and the busiest handed to the sampler, the view
// handed to the advisor whose findings become event lines, Findings and the report's findings;
// the background parts start and stop with the watch.
func TestWatchParts(t *testing.T) {
	poller, err := cloudwatch.NewPoller(unusedCW{}, nil, cloudwatch.Config{StreamName: "orders", Period: time.Minute, ShardLevel: cloudwatch.ShardLevelOff})
	if err != nil {
		t.Fatal(err)
	}
	kpl := &fakeFigures{src: metrics.Source{Name: "KPL metrics", Status: "reading", Resolution: "1-minute sums"},
		fig: &metrics.CWFigures{Namespace: "KinesisProducerLibrary", Period: time.Minute}}
	sample := &fakeSample{src: metrics.Source{Name: "record sample", Status: "backing off"}, sample: &metrics.RecordSample{OpenShards: 2}}
	adv := &fakeAdvisor{raise: metrics.Finding{Rule: "hot-shard", Severity: "warning", Title: "Hot shard", Summary: "one shard takes 80%", Basis: "from a sample"}}
	w := &Watch{opts: WatchOptions{Stream: "orders", Endpoint: "http://127.0.0.1:1"}, poller: poller, events: NewEventLog(10), acc: newWatchFigures(),
		parts:  watchParts{kpl: kpl, sample: sample, advisor: adv, unseen: func(*metrics.OutsideView) []string { return []string{"the connections"} }},
		stream: metrics.OutsideStream{Name: "orders", Shards: []metrics.ShardRange{{ShardID: "shardId-0"}, {ShardID: "shardId-1"}}}}

	w.parts.start(context.Background())
	if kpl.started != 1 || sample.started != 1 {
		t.Errorf("started: kpl %d, sample %d", kpl.started, sample.started)
	}
	w.observe(time.Now())
	v := w.Outside()
	if v.KPL != kpl.fig || v.Sample != sample.sample || v.Agents != nil {
		t.Errorf("view: KPL %v, sample %v, agents %v", v.KPL, v.Sample, v.Agents)
	}
	if v.Sources[2] != kpl.src || v.Sources[4] != sample.src || v.Sources[3].Status != "off" {
		t.Errorf("sources: %+v", v.Sources)
	}
	if len(sample.shards) != 2 || adv.seen != v {
		t.Errorf("the sampler got %v, the advisor %p (view %p)", sample.shards, adv.seen, v)
	}
	if got := w.Findings(); len(got) != 1 || got[0].Rule != "hot-shard" {
		t.Errorf("findings: %+v", got)
	}
	if ev := w.events.Events(); len(ev) != 1 || !strings.Contains(ev[0].Text, "finding [warning] Hot shard: one shard takes 80%") {
		t.Errorf("events: %+v", ev)
	}
	rep := w.Report(time.Now())
	if len(rep.Findings) != 1 || rep.Unseen[0] != "the connections" || len(rep.Sources) != 5 {
		t.Errorf("report: %+v", rep)
	}
	w.parts.stop()
	if kpl.stopped != 1 || sample.stopped != 1 {
		t.Errorf("stopped: kpl %d, sample %d", kpl.stopped, sample.stopped)
	}
}

type unusedCW struct{}

func (unusedCW) GetMetricData(context.Context, *cwsdk.GetMetricDataInput, ...func(*cwsdk.Options)) (*cwsdk.GetMetricDataOutput, error) {
	return nil, errors.New("not polled in this test")
}

type lifecycle struct{ started, stopped int }

func (l *lifecycle) Start(context.Context) { l.started++ }
func (l *lifecycle) Stop()                 { l.stopped++ }

type fakeFigures struct {
	lifecycle
	src metrics.Source
	fig *metrics.CWFigures
}

func (f *fakeFigures) Figures() *metrics.CWFigures { return f.fig }
func (f *fakeFigures) Source() metrics.Source      { return f.src }

type fakeSample struct {
	lifecycle
	src     metrics.Source
	sample  *metrics.RecordSample
	shards  []metrics.ShardRange
	busiest []string
}

func (f *fakeSample) Sample() *metrics.RecordSample    { return f.sample }
func (f *fakeSample) Source() metrics.Source           { return f.src }
func (f *fakeSample) SetShards(s []metrics.ShardRange) { f.shards = s }
func (f *fakeSample) SetBusiest(ids []string)          { f.busiest = ids }

type fakeAdvisor struct {
	raise metrics.Finding
	seen  *metrics.OutsideView
}

func (a *fakeAdvisor) ObserveOutside(v *metrics.OutsideView) (raised, cleared []metrics.Finding) {
	a.seen = v
	return []metrics.Finding{a.raise}, nil
}
func (a *fakeAdvisor) Active() []metrics.Finding  { return []metrics.Finding{a.raise} }
func (a *fakeAdvisor) History() []metrics.Finding { return []metrics.Finding{a.raise} }
