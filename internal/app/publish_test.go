package app

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
)

// A run with --publish-metrics publishes its producer's figures to the embedded emulator's
// CloudWatch under an Agent dimension: read back by the agents' namespace reader, the agent's
// UserRecordsPut adds up to what the producer had acknowledged (the drain's last interval
// included), per shard as in total, and the run's events and totals say it published.
func TestRunPublishesItsMetrics(t *testing.T) { synctest.Test(t, testRunPublishesItsMetrics) }

func testRunPublishesItsMetrics(t *testing.T) {
	ctx := context.Background()
	spec := DefaultWorkload()
	spec.Rate, spec.Duration = 1000, 4*time.Second
	r, err := Start(ctx, Options{Workload: spec, SampleInterval: 100 * time.Millisecond, NoCloudWatch: true, InProcess: true, Shards: 2,
		Publish: PublishOptions{Enabled: true, Namespace: "Agents", Agent: "agent-1", Granularity: "shard"}})
	if err != nil {
		t.Fatal(err)
	}
	<-r.Done()
	if _, err := r.Stop(ctx, nil); err != nil {
		t.Fatal(err)
	}
	put := r.prod.Stats().Stream.UserRecordsPut
	if put == 0 {
		t.Fatal("nothing put")
	}
	time.Sleep(time.Second) // the last upload's second is complete

	rd, err := cwmetrics.NewNamespaceReader(r.cw, cwmetrics.NamespaceConfig{Namespace: "Agents", StreamName: r.opts.Stream,
		Agents: true, Period: time.Second, Window: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := rd.Read(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rd.Agents(); len(got) != 1 || got[0] != "agent-1" {
		t.Fatalf("agents %v", got)
	}
	f := rd.Figures()
	var total, shards float64
	for id, pts := range f.Series {
		if id.Name != "UserRecordsPut" || id.Stat != cwmetrics.Sum {
			continue
		}
		for _, p := range pts {
			if id.ShardID == "" {
				total += p.Value
			} else {
				shards += p.Value
			}
		}
	}
	if total != float64(put) || shards != float64(put) {
		t.Errorf("published UserRecordsPut: %v in total, %v over the shards; the producer put %d", total, shards, put)
	}
	if f.Points(metrics.CWSeriesID{Name: "BufferingTime", Stat: cwmetrics.Average, Agent: "agent-1"}) == nil {
		t.Error("no BufferingTime published")
	}
	tot, ok := r.PublishTotals()
	if !ok || tot.Calls == 0 || tot.Published == 0 || tot.Dropped != 0 || tot.Pending != 0 {
		t.Errorf("totals %+v (%v)", tot, ok)
	}
	var started bool
	for _, e := range r.Events() {
		started = started || strings.Contains(e.Text, "publishing metrics to CloudWatch: namespace Agents, agent agent-1, granularity shard, every 1s")
	}
	if !started {
		t.Errorf("no event says where the run publishes: %v", r.Events())
	}
}
