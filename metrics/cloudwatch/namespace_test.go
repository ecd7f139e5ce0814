package cloudwatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
)

// kplPut publishes one datum as a KPL application does: its name, value and dimensions
// (name, value pairs), stamped now at 1-second resolution.
func (e *testEnv) kplPut(t *testing.T, ns, name string, v float64, dims ...string) {
	t.Helper()
	d := []types.Dimension{}
	for i := 0; i+1 < len(dims); i += 2 {
		d = append(d, cwDim(dims[i], dims[i+1]))
	}
	_, err := e.cw.PutMetricData(e.ctx, &cwsdk.PutMetricDataInput{Namespace: aws.String(ns), MetricData: []types.MetricDatum{{
		MetricName: aws.String(name), Dimensions: d, Value: aws.Float64(v), Timestamp: aws.Time(e.clock.Now()),
		StorageResolution: aws.Int32(1)}}})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) nsReader(t *testing.T, cw ListReader, ns string, agents bool) *NamespaceReader {
	t.Helper()
	r, err := NewNamespaceReader(cw, NamespaceConfig{Namespace: ns, StreamName: "s", Agents: agents, Period: time.Second, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func values(pts []metrics.CWPoint) []float64 {
	var out []float64
	for _, p := range pts {
		out = append(out, p.Value)
	}
	return out
}

// A KPL application's metrics, published with the KPL's names at the stream and shard
// granularities (each level with the coarser ones, as the KPL does), read back under the right
// series ids and values; another stream's series and agents' series are not read.
func TestNamespaceReaderReadsAKPLApplication(t *testing.T) {
	e := newEnv(t, 2)
	ns := DefaultPublisherNamespace
	shard := e.shardIDs(t)[0]
	const kms = "KMSAccessDeniedException"
	for sec := range 3 {
		for _, dims := range [][]string{nil, {"StreamName", "s"}, {"StreamName", "s", "ShardId", shard}} {
			e.kplPut(t, ns, "UserRecordExpired", float64(10*(sec+1)), dims...)
			e.kplPut(t, ns, "ErrorsByCode", 4, append(slices.Clone(dims), "ErrorCode", kms)...)
			e.kplPut(t, ns, "BufferingTime", 100, dims...)
			e.kplPut(t, ns, "BufferingTime", 900, dims...)
		}
		// UserRecordsPending is stream-wide in the KPL: it grows without bound here.
		e.kplPut(t, ns, "UserRecordsPending", float64(1000*(sec+1)), "StreamName", "s")
		e.kplPut(t, ns, "Request Time", 40, "StreamName", "s")
		e.kplPut(t, ns, "UserRecordExpired", 777, "StreamName", "other")
		e.kplPut(t, ns, "UserRecordExpired", 555, "StreamName", "s", AgentDimension, "a1")
		e.clock.Advance(time.Second)
	}

	r := e.nsReader(t, e.cw, ns, false)
	if r.Figures() != nil {
		t.Fatal("figures before any read")
	}
	if err := r.Read(e.ctx); err != nil {
		t.Fatal(err)
	}
	f := r.Figures()
	if f == nil || f.Namespace != ns || f.Period != time.Second {
		t.Fatalf("figures %+v", f)
	}
	for _, c := range []struct {
		id   metrics.CWSeriesID
		want []float64
	}{
		{metrics.CWSeriesID{Name: "UserRecordExpired", Stat: Sum}, []float64{10, 20, 30}},
		{metrics.CWSeriesID{Name: "UserRecordExpired", Stat: Sum, ShardID: shard}, []float64{10, 20, 30}},
		{metrics.CWSeriesID{Name: "ErrorsByCode", Stat: Sum, ErrorCode: kms}, []float64{4, 4, 4}},
		{metrics.CWSeriesID{Name: "ErrorsByCode", Stat: Sum, ShardID: shard, ErrorCode: kms}, []float64{4, 4, 4}},
		{metrics.CWSeriesID{Name: "BufferingTime", Stat: Average}, []float64{500, 500, 500}},
		{metrics.CWSeriesID{Name: "BufferingTime", Stat: Maximum}, []float64{900, 900, 900}},
		{metrics.CWSeriesID{Name: "UserRecordsPending", Stat: Average}, []float64{1000, 2000, 3000}},
		{metrics.CWSeriesID{Name: "Request Time", Stat: Average}, []float64{40, 40, 40}},
	} {
		if got := values(f.Points(c.id)); !slices.Equal(got, c.want) {
			t.Errorf("%+v = %v, want %v", c.id, got, c.want)
		}
	}
	for id := range f.Series {
		if id.Agent != "" {
			t.Errorf("KPL mode read an agent's series %+v", id)
		}
	}
	if got := f.Rate(metrics.CWSeriesID{Name: "UserRecordExpired", Stat: Sum}); got != 20 {
		t.Errorf("UserRecordExpired rate %v/s, want 20 (another stream's 777 must not be read)", got)
	}
	if src := r.Source(); src.Name != "KPL metrics" || src.Status != "reading" || !strings.Contains(src.Resolution, "1-second") ||
		!strings.Contains(src.Cost, "USD") {
		t.Errorf("source %+v", src)
	}
	if len(r.Agents()) != 0 {
		t.Errorf("agents in KPL mode: %v", r.Agents())
	}
}

// Three shardstorm agents publish for one stream at the three granularities; the agents' reader
// lists them and each one's UserRecordsPut, and their sum is what the three producers had
// acknowledged — no level counted twice. A KPL-mode reader sees none of it.
func TestNamespaceReaderSumsAgents(t *testing.T) {
	e := newEnv(t, 2)
	ns := "shardstorm-agents"
	grans := map[string]PublisherGranularity{"a1": PublisherStream, "a2": PublisherGlobal, "a3": PublisherShard}
	var total int64
	acked := map[string]int64{}
	for i, agent := range []string{"a1", "a2", "a3"} {
		prod := e.producer(t)
		pub, err := NewPublisher(e.cw, prod, PublisherConfig{Enabled: true, StreamName: "s", Namespace: ns,
			Granularity: grans[agent], Agent: agent, StorageResolution: 1, Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		e.send(t, prod, 100*(i+1))
		acked[agent] = idleStats(t, prod).Stream.UserRecordsPut
		total += acked[agent]
		if err := pub.Publish(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(time.Second)

	r := e.nsReader(t, e.cw, ns, true)
	if err := r.Read(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.Agents(); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Fatalf("agents %v", got)
	}
	f := r.Figures()
	var sum float64
	for agent, want := range acked {
		got := f.Points(metrics.CWSeriesID{Name: "UserRecordsPut", Stat: Sum, Agent: agent})
		if v := values(got); len(v) != 1 || v[0] != float64(want) {
			t.Errorf("%s UserRecordsPut %v, want [%d]", agent, v, want)
		}
		if len(got) > 0 {
			sum += got[0].Value
		}
	}
	if sum != float64(total) {
		t.Errorf("the fleet's UserRecordsPut %v, want the %d records the producers acknowledged", sum, total)
	}
	var shardSum float64
	for id, pts := range f.Series {
		if id.Name == "UserRecordsPut" && id.ShardID != "" {
			if id.Agent != "a3" {
				t.Errorf("per-shard series of %s, published at %s granularity", id.Agent, grans[id.Agent])
			}
			shardSum += pts[0].Value
		}
	}
	if shardSum != float64(acked["a3"]) {
		t.Errorf("a3's shards add up to %v, want %d", shardSum, acked["a3"])
	}
	if src := r.Source(); src.Name != "shardstorm agents" || src.Status != "reading" || !strings.Contains(src.Detail, "a1, a2, a3") {
		t.Errorf("source %+v", src)
	}

	kpl := e.nsReader(t, e.cw, ns, false)
	if err := kpl.Read(e.ctx); err != nil {
		t.Fatal(err)
	}
	if kpl.Figures() != nil {
		t.Errorf("KPL mode read agents' series: %v", kpl.Figures().Series)
	}
	if src := kpl.Source(); src.Status != "none published" || !strings.Contains(src.Detail, ns) || !strings.Contains(src.Detail, `StreamName="s"`) {
		t.Errorf("source %+v", src)
	}
}

// deniedReads lists with the emulator but is refused GetMetricData, as with a policy that has
// cloudwatch:ListMetrics only.
type deniedReads struct {
	*cwsdk.Client
	refuser *cwsdk.Client
}

func (d deniedReads) GetMetricData(ctx context.Context, in *cwsdk.GetMetricDataInput, opts ...func(*cwsdk.Options)) (*cwsdk.GetMetricDataOutput, error) {
	return d.refuser.GetMetricData(ctx, in, opts...)
}

// Refused ListMetrics, refused GetMetricData and an empty namespace each say so, naming the
// permission or what was looked for.
func TestNamespaceReaderSaysDeniedAndNonePublished(t *testing.T) {
	e := newEnv(t, 1)
	msg := "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudwatch:ListMetrics"
	stub := errorServer(t, 403, "com.amazon.coral.service#AccessDeniedException", "AccessDenied", msg)
	refused := sdktest.CloudWatch(stub.URL, 0, nil)

	r := e.nsReader(t, refused, DefaultPublisherNamespace, false)
	if err := r.Read(e.ctx); err == nil {
		t.Fatal("a refused ListMetrics read without error")
	}
	if src := r.Source(); src.Status != "denied" || !strings.Contains(src.Detail, "cloudwatch:ListMetrics") || !strings.Contains(src.Detail, msg) {
		t.Errorf("ListMetrics refused: source %+v", src)
	}

	e.kplPut(t, DefaultPublisherNamespace, "UserRecordsPut", 5, "StreamName", "s")
	e.clock.Advance(time.Second)
	r = e.nsReader(t, deniedReads{Client: e.cw, refuser: refused}, DefaultPublisherNamespace, false)
	if err := r.Read(e.ctx); err == nil {
		t.Fatal("a refused GetMetricData read without error")
	}
	if src := r.Source(); src.Status != "denied" || !strings.Contains(src.Detail, "cloudwatch:GetMetricData") {
		t.Errorf("GetMetricData refused: source %+v", src)
	}
	if r.Figures() != nil {
		t.Error("figures from refused reads")
	}

	r = e.nsReader(t, e.cw, "MyApp", true)
	if err := r.Read(e.ctx); err != nil {
		t.Fatal(err)
	}
	if src := r.Source(); src.Status != "none published" || !strings.Contains(src.Detail, `"MyApp"`) || !strings.Contains(src.Detail, "Agent") {
		t.Errorf("nothing published: source %+v", src)
	}
}

// Bad configurations are refused naming the field.
func TestNamespaceConfigErrorsNameTheField(t *testing.T) {
	for field, cfg := range map[string]NamespaceConfig{
		"Namespace":  {StreamName: "s"},
		"StreamName": {Namespace: "n"},
		"Period":     {Namespace: "n", StreamName: "s", Period: 1500 * time.Millisecond},
		"Window":     {Namespace: "n", StreamName: "s", Period: time.Minute, Window: time.Second},
		"Interval":   {Namespace: "n", StreamName: "s", Interval: -time.Second},
	} {
		if _, err := NewNamespaceReader(&cwsdk.Client{}, cfg); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: error %v", field, err)
		}
	}
}

// Started, the reader reads in the background until stopped, leaving no goroutine behind.
func TestNamespaceReaderStartStop(t *testing.T) {
	e := newEnv(t, 1)
	e.kplPut(t, DefaultPublisherNamespace, "UserRecordsPut", 5, "StreamName", "s")
	e.clock.Advance(time.Second)
	r := e.nsReader(t, e.cw, DefaultPublisherNamespace, false)
	r.Start(e.ctx)
	waitFor(t, "the background read", func() bool { return r.Figures() != nil })
	r.Stop()
	r.Stop()
	if got := values(r.Figures().Points(metrics.CWSeriesID{Name: "UserRecordsPut", Stat: Sum})); !slices.Equal(got, []float64{5}) {
		t.Errorf("UserRecordsPut %v, want [5]", got)
	}
}

// Many series are read in calls of at most 500 queries (GetMetricData's limit), and the Source
// prices what one read asks.
func TestNamespaceReaderBatchesQueries(t *testing.T) {
	e := newEnv(t, 1)
	for i := range 260 { // BufferingTime: Average and Maximum, 520 queries
		e.kplPut(t, DefaultPublisherNamespace, "BufferingTime", float64(i), "StreamName", "s", "ShardId", fmt.Sprintf("shardId-%012d", i))
	}
	e.clock.Advance(time.Second)
	cw := &countingClient{Client: e.cw}
	r := e.nsReader(t, cw, DefaultPublisherNamespace, false)
	if err := r.Read(e.ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cw.queries, []int{500, 20}) {
		t.Errorf("queries per call %v, want [500 20]", cw.queries)
	}
	if got := len(r.Figures().Series); got != 520 {
		t.Errorf("%d series read, want 520", got)
	}
	if got := r.Figures().Last(metrics.CWSeriesID{Name: "BufferingTime", Stat: Maximum, ShardID: "shardId-000000000259"}); got != 259 {
		t.Errorf("the last shard's BufferingTime %v, want 259", got)
	}
	if src := r.Source(); !strings.Contains(src.Cost, "520 GetMetricData queries (2 calls) a read every 1s") {
		t.Errorf("cost %q", src.Cost)
	}
}

// New agents appear through ListMetrics, asked again every Discover, not on every read: a new
// agent shows within Discover.
func TestNamespaceReaderDiscoversNewAgents(t *testing.T) {
	e := newEnv(t, 1)
	ns := "Agents"
	e.kplPut(t, ns, "UserRecordsPut", 1, "StreamName", "s", AgentDimension, "a1")
	e.clock.Advance(time.Second)
	r, err := NewNamespaceReader(e.cw, NamespaceConfig{Namespace: ns, StreamName: "s", Agents: true, Period: time.Second,
		Discover: 5 * time.Second, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	read := func() []string {
		t.Helper()
		if err := r.Read(e.ctx); err != nil {
			t.Fatal(err)
		}
		return r.Agents()
	}
	if got := read(); !slices.Equal(got, []string{"a1"}) {
		t.Fatalf("agents %v", got)
	}
	e.kplPut(t, ns, "UserRecordsPut", 2, "StreamName", "s", AgentDimension, "a2")
	e.clock.Advance(time.Second)
	if got := read(); !slices.Equal(got, []string{"a1"}) {
		t.Errorf("agents %v one second later: ListMetrics is asked every 5 s", got)
	}
	e.clock.Advance(4 * time.Second)
	if got := read(); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Errorf("agents %v after Discover, want a1 and a2", got)
	}
	if got := r.Figures().Points(metrics.CWSeriesID{Name: "UserRecordsPut", Stat: Sum, Agent: "a2"}); len(got) != 1 || got[0].Value != 2 {
		t.Errorf("a2's UserRecordsPut %v", got)
	}
}

// CloudWatch out of reach is "unavailable", with the error.
func TestNamespaceReaderSaysUnavailable(t *testing.T) {
	leakCheck(t)
	r, err := NewNamespaceReader(sdktest.CloudWatch(closedURL(t), 1, nil), NamespaceConfig{Namespace: "n", StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Read(context.Background()); err == nil {
		t.Fatal("no error from a closed port")
	}
	if src := r.Source(); src.Status != "unavailable" || !strings.Contains(src.Detail, "ListMetrics") || src.Resolution != "1-minute sums and averages" {
		t.Errorf("source %+v", src)
	}
}
