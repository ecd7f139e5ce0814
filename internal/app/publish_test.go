package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/shardstorm/shardstorm/emulator"
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
	put := r.eng.Stats().Stream.UserRecordsPut
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

// deniedPuts answers PutMetricData as CloudWatch answers a policy without
// cloudwatch:PutMetricData (403, AccessDenied over RPCv2 CBOR); every other call reaches the
// embedded emulator.
type deniedPuts struct{ emu *emulator.Emulator }

func (d deniedPuts) Do(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/PutMetricData") {
		return emulator.InMemTransport{Handler: d.emu}.Do(req)
	}
	body := cbor.Encode(cbor.Map{"__type": cbor.String("com.amazon.coral.service#AccessDeniedException"),
		"message": cbor.String("User: arn:aws:iam::123456789012:user/agent is not authorized to perform: cloudwatch:PutMetricData")})
	h := http.Header{}
	h.Set("Smithy-Protocol", "rpc-v2-cbor")
	h.Set("Content-Type", "application/cbor")
	h.Set("X-Amzn-Query-Error", "AccessDenied;Sender")
	return &http.Response{StatusCode: 403, Status: "403 Forbidden", Header: h, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

// A publisher refused by IAM shows in the run's event log as an error naming the permission,
// and the run's totals keep what was not delivered; the load itself goes on.
func TestRunLogsPublishingDenied(t *testing.T) { synctest.Test(t, testRunLogsPublishingDenied) }

func testRunLogsPublishingDenied(t *testing.T) {
	ctx := context.Background()
	spec := DefaultWorkload()
	spec.Rate = 500
	opts := Options{Workload: spec, SampleInterval: 100 * time.Millisecond, NoCloudWatch: true, InProcess: true,
		Publish: PublishOptions{Enabled: true, Agent: "a1"}}
	opts.inProcessClient = func(e *emulator.Emulator) aws.HTTPClient { return deniedPuts{e} }
	r, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the denial in the event log", func() bool {
		for _, e := range r.Events() {
			if e.Level == Error.String() && strings.Contains(e.Text, "publishing metrics: AccessDenied (the policy needs cloudwatch:PutMetricData)") &&
				strings.Contains(e.Text, "not authorized") {
				return true
			}
		}
		return false
	})
	if _, err := r.Stop(ctx, nil); err != nil {
		t.Fatal(err)
	}
	tot, _ := r.PublishTotals()
	if tot.Calls != 0 || tot.Published != 0 || tot.Pending == 0 {
		t.Errorf("totals %+v, want nothing published and the datums still pending", tot)
	}
	if r.eng.Stats().Stream.UserRecordsPut == 0 {
		t.Error("the load stopped with publishing")
	}
}
