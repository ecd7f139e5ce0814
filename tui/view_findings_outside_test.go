package tui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/shardstorm/shardstorm/metrics"
)

// watchSource is a watch as the dashboard sees it: a Source that is also an OutsideSource.
type watchSource struct {
	*testSource
	view   *metrics.OutsideView
	unseen []string
}

func (s *watchSource) Outside() *metrics.OutsideView { return s.view }
func (s *watchSource) Unseen() []string              { return s.unseen }

// metricsEnabler offers only the shard-metrics key, counting the calls it gets.
type metricsEnabler struct{ calls atomic.Int32 }

func (e *metricsEnabler) ShardMetricsCost() string {
	return "Turn on shard-level metrics for 4 shards (≈ USD 3.60 a month)"
}
func (e *metricsEnabler) EnableShardMetrics(context.Context) (string, error) {
	e.calls.Add(1)
	return "turned on", nil
}

func newWatchSource(t *testing.T) *watchSource {
	src := newFixture(t, 4)
	src.info.Backend = "watch"
	agents := &metrics.CWFigures{Namespace: "ShardstormAgents", Period: time.Minute, Series: map[metrics.CWSeriesID][]metrics.CWPoint{}}
	for agent, recs := range map[string]float64{"agent-a": 60000, "agent-b": 30000} {
		agents.Series[metrics.CWSeriesID{Name: "UserRecordsPut", Stat: "Sum", Agent: agent}] = []metrics.CWPoint{{Start: t0, Value: recs}}
		agents.Series[metrics.CWSeriesID{Name: "UserRecordsDataPut", Stat: "Sum", Agent: agent}] = []metrics.CWPoint{{Start: t0, Value: recs * 100}}
	}
	return &watchSource{testSource: src,
		view: &metrics.OutsideView{Time: tNow, Agents: agents, Sources: []metrics.Source{
			{Name: "CloudWatch stream metrics", Status: "reading", Resolution: "1-minute sums", Cost: "GetMetricData: 16 queries per poll"},
			{Name: "CloudWatch shard metrics", Status: "off", Detail: "enhanced monitoring is off", Cost: "≈ USD 0.90 per shard-month"},
			{Name: "KPL metrics", Status: "none published"},
			{Name: "shardstorm agents", Status: "reading", Resolution: "1-minute sums"},
			{Name: "record sample", Status: "off"},
		}},
		unseen: []string{"the producer's own DescribeStream calls and their throttling", "the producer's connection count"}}
}

// In watch mode "no finding" says what was checked and from what — never "nothing is wrong" —
// and the view lists the sources with their cost, what cannot be seen, and the agents' table
// with its sums.
func TestFindingsViewInWatchMode(t *testing.T) {
	src := newWatchSource(t)
	m := newTestModel(src, nil, ViewFindings, 120, 48)
	screen := ansi.Strip(m.View())
	for _, want := range []string{
		"No finding from what can be seen: CloudWatch stream metrics, shardstorm agents.",
		"Sources", "CloudWatch shard metrics: off", "enhanced monitoring is off", "cost: ≈ USD 0.90 per shard-month",
		"KPL metrics: none published", "record sample: off",
		"Cannot be seen from outside", "the producer's connection count",
		"shardstorm agents (2 publishing to ShardstormAgents)", "agent-a", "1.0k", "all agents", "1.5k", "146KiB",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the Findings view lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "nothing the advisor checks is wrong") {
		t.Errorf("watch mode claims nothing is wrong:\n%s", screen)
	}

	src.findings = []metrics.Finding{{Rule: "hot-shard", Severity: "warning", Title: "Hot shard", Summary: "shard 0 takes 80%",
		ShardID: "shardId-000000000000", Basis: "from 1-minute CloudWatch sums of shard-level metrics"}}
	m = newTestModel(src, nil, ViewFindings, 120, 48)
	screen = ansi.Strip(m.View())
	if !strings.Contains(screen, "basis: from 1-minute CloudWatch sums of shard-level metrics") || strings.Contains(screen, "No finding") {
		t.Errorf("a finding in watch mode without its basis:\n%s", screen)
	}
	// Outside watch mode the view is as before.
	run := newFixture(t, 4)
	if s := ansi.Strip(newTestModel(run, nil, ViewFindings, 120, 48).View()); strings.Contains(s, "Cannot be seen") || !strings.Contains(s, "No finding applies") {
		t.Errorf("a load test's Findings view changed:\n%s", s)
	}
}

// e asks first, with the cost; no turns nothing on; only yes calls EnableShardMetrics.
func TestShardMetricsKeyAsksFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src, en := newWatchSource(t), &metricsEnabler{}
		m := newTestModel(src, en, ViewFindings, 120, 48)
		m = press(t, m, "e")
		if s := ansi.Strip(m.View()); !strings.Contains(s, "? Turn on shard-level metrics for 4 shards (≈ USD 3.60 a month)? (y/n)") {
			t.Fatalf("e did not ask:\n%s", s)
		}
		m = press(t, m, "n")
		if en.calls.Load() != 0 || !strings.Contains(ansi.Strip(m.View()), "cancelled, nothing turned on") {
			t.Fatalf("n: %d calls; screen:\n%s", en.calls.Load(), ansi.Strip(m.View()))
		}
		m = press(t, m, "e", "x", "q") // neither yes nor no: still asking, q does not quit or answer
		if en.calls.Load() != 0 {
			t.Fatalf("enabled without a yes: %d calls", en.calls.Load())
		}
		m = press(t, m, "y")
		if en.calls.Load() != 1 || !strings.Contains(ansi.Strip(m.View()), "shard-level metrics: turned on") {
			t.Fatalf("y: %d calls; screen:\n%s", en.calls.Load(), ansi.Strip(m.View()))
		}
	})
	// A mode without the control lists no e key.
	m := newTestModel(newWatchSource(t), nil, ViewFindings, 120, 48)
	if strings.Contains(ansi.Strip(m.View()), "shard metrics on") {
		t.Error("e is offered without a ShardMetricsEnabler")
	}
}

// The watch-mode Findings view, its question and its help fit every size exactly.
func TestWatchFindingsViewFitsEverySize(t *testing.T) {
	src := newWatchSource(t)
	src.findings = []metrics.Finding{{Rule: "hot-shard", Severity: "warning", Title: "Hot shard", Summary: strings.Repeat("a long summary ", 12),
		Advice: strings.Repeat("some advice ", 12), ShardID: "shardId-000000000000", Basis: strings.Repeat("a long basis ", 12)}}
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := newTestModel(src, &metricsEnabler{}, ViewFindings, sz[0], sz[1])
				checkFits(t, m.View(), sz[0], sz[1])
				checkFits(t, press(t, m, "e").View(), sz[0], sz[1])
				checkFits(t, press(t, m, "?").View(), sz[0], sz[1])
			})
		})
	}
}
