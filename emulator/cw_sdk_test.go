package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// These tests drive the emulator with the real aws-sdk-go-v2 CloudWatch client over HTTP.

// seenRequest is what cwRecorder saw of one request.
type seenRequest struct {
	path, contentEncoding string
}

// cwRecorder is an http.RoundTripper that remembers the requests it forwards.
type cwRecorder struct {
	mu   sync.Mutex
	seen []seenRequest
}

func (c *cwRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.seen = append(c.seen, seenRequest{r.URL.Path, r.Header.Get("Content-Encoding")})
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (c *cwRecorder) requests() []seenRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.seen)
}

type cwFixture struct {
	srv    *Server
	clock  *ManualClock
	client *cloudwatch.Client
	rec    *cwRecorder
}

// newCWFixture starts an emulator whose clock reads now and a CloudWatch client for it.
func newCWFixture(t *testing.T, now time.Time, cfg Config) *cwFixture {
	t.Helper()
	clock := NewManualClock(now)
	cfg.Clock = clock
	srv, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	rec := &cwRecorder{}
	client := cloudwatch.New(cloudwatch.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("x", "y", ""),
		HTTPClient:   &http.Client{Transport: rec},
		Retryer:      aws.NopRetryer{},
	})
	return &cwFixture{srv: srv, clock: clock, client: client, rec: rec}
}

func dims(kv ...string) []types.Dimension {
	var out []types.Dimension
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func statQuery(id, ns, name string, d []types.Dimension, period int32, stat string) types.MetricDataQuery {
	return types.MetricDataQuery{
		Id: aws.String(id),
		MetricStat: &types.MetricStat{
			Metric: &types.Metric{Namespace: aws.String(ns), MetricName: aws.String(name), Dimensions: d},
			Period: aws.Int32(period),
			Stat:   aws.String(stat),
		},
	}
}

// point is one (timestamp, value) pair of a MetricDataResult.
type point struct {
	at time.Time
	v  float64
}

func resultPoints(t *testing.T, r types.MetricDataResult) []point {
	t.Helper()
	if len(r.Timestamps) != len(r.Values) {
		t.Fatalf("result %s: %d timestamps, %d values", aws.ToString(r.Id), len(r.Timestamps), len(r.Values))
	}
	out := make([]point, len(r.Values))
	for i := range r.Values {
		out[i] = point{r.Timestamps[i].UTC(), r.Values[i]}
	}
	return out
}

func resultByID(t *testing.T, out *cloudwatch.GetMetricDataOutput, id string) types.MetricDataResult {
	t.Helper()
	for _, r := range out.MetricDataResults {
		if aws.ToString(r.Id) == id {
			return r
		}
	}
	t.Fatalf("no result for query %s", id)
	return types.MetricDataResult{}
}

func TestCloudWatchPutMetricDataThenGetMetricData(t *testing.T) {
	f := newCWFixture(t, cwT0.Add(10*time.Minute), Config{})
	ctx := context.Background()
	d := dims("Service", "api", "Host", "h1")
	datum := func(at time.Duration) types.MetricDatum {
		return types.MetricDatum{MetricName: aws.String("Latency"), Dimensions: d, Timestamp: aws.Time(cwT0.Add(at)), Unit: types.StandardUnitMilliseconds}
	}
	a, b, c, e, g := datum(5*time.Second), datum(5*time.Second+400*time.Millisecond), datum(30*time.Second), datum(65*time.Second), datum(130*time.Second)
	a.Value, b.Value = aws.Float64(10), aws.Float64(20)
	c.StatisticValues = &types.StatisticSet{SampleCount: aws.Float64(4), Sum: aws.Float64(100), Minimum: aws.Float64(5), Maximum: aws.Float64(40)}
	e.Values, e.Counts = []float64{1, 2, 3}, []float64{1, 2, 0}
	g.Value = aws.Float64(-7)
	if _, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("App"), MetricData: []types.MetricDatum{a, b, c, e, g},
	}); err != nil {
		t.Fatal(err)
	}
	if reqs := f.rec.requests(); len(reqs) != 1 || reqs[0].contentEncoding != "gzip" ||
		reqs[0].path != "/service/GraniteServiceVersion20100801/operation/PutMetricData" {
		t.Fatalf("requests %+v: want one gzip-compressed PutMetricData, as the SDK sends it", reqs)
	}

	queries := []types.MetricDataQuery{}
	for _, stat := range []string{"Sum", "SampleCount", "Average", "Minimum", "Maximum"} {
		queries = append(queries, statQuery("m"+stat, "App", "Latency", d, 60, stat))
	}
	perSecond := statQuery("perSecond", "App", "Latency", dims("Host", "h1", "Service", "api"), 1, "Sum") // any dimension order
	perSecond.Label = aws.String("latency per second")
	queries = append(queries, perSecond,
		statQuery("subset", "App", "Latency", dims("Service", "api"), 60, "Sum"), // another metric: no data
		statQuery("odd", "App", "Latency", d, 7, "SampleCount"))
	out, err := f.client.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(cwT0), EndTime: aws.Time(cwT0.Add(5 * time.Minute)),
		MetricDataQueries: queries, ScanBy: types.ScanByTimestampAscending,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.NextToken != nil {
		t.Errorf("NextToken %q on a complete answer", *out.NextToken)
	}
	m0, m1, m2 := cwT0, cwT0.Add(time.Minute), cwT0.Add(2*time.Minute)
	want := map[string][]point{
		"mSum":         {{m0, 130}, {m1, 5}, {m2, -7}},
		"mSampleCount": {{m0, 6}, {m1, 3}, {m2, 1}},
		"mAverage":     {{m0, 130.0 / 6}, {m1, 5.0 / 3}, {m2, -7}},
		"mMinimum":     {{m0, 5}, {m1, 1}, {m2, -7}},
		"mMaximum":     {{m0, 40}, {m1, 2}, {m2, -7}},
		"perSecond":    {{cwT0.Add(5 * time.Second), 30}, {cwT0.Add(30 * time.Second), 100}, {cwT0.Add(65 * time.Second), 5}, {cwT0.Add(130 * time.Second), -7}},
		"subset":       {},
		// Epoch-aligned 7 s buckets: epoch(cwT0) ≡ 1 (mod 7), so they start at cwT0-1s+7k.
		"odd": {{cwT0.Add(-time.Second), 2}, {cwT0.Add(27 * time.Second), 4}, {cwT0.Add(62 * time.Second), 3}, {cwT0.Add(125 * time.Second), 1}},
	}
	for id, w := range want {
		r := resultByID(t, out, id)
		if got := resultPoints(t, r); !slices.Equal(got, w) {
			t.Errorf("%s = %v, want %v", id, got, w)
		}
		if r.StatusCode != types.StatusCodeComplete {
			t.Errorf("%s: StatusCode %s, want Complete", id, r.StatusCode)
		}
	}
	if l := aws.ToString(resultByID(t, out, "mSum").Label); l != "Latency" {
		t.Errorf("default label %q, want the metric name", l)
	}
	if l := aws.ToString(resultByID(t, out, "perSecond").Label); l != "latency per second" {
		t.Errorf("label %q, want the query's", l)
	}

	// Default scan order is newest first; EndTime is exclusive; Unit filters samples.
	sum := statQuery("s", "App", "Latency", d, 60, "Sum")
	out, err = f.client.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(cwT0), EndTime: aws.Time(cwT0.Add(130 * time.Second)), MetricDataQueries: []types.MetricDataQuery{sum},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, w := resultPoints(t, out.MetricDataResults[0]), []point{{m1, 5}, {m0, 130}}; !slices.Equal(got, w) {
		t.Errorf("descending, EndTime 2m10s: %v, want %v", got, w)
	}
	sum.MetricStat.Unit = types.StandardUnitBytes
	out, err = f.client.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(cwT0), EndTime: aws.Time(cwT0.Add(time.Hour)), MetricDataQueries: []types.MetricDataQuery{sum},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.MetricDataResults[0].Values); n != 0 {
		t.Errorf("Unit Bytes matched %d points of a Milliseconds metric", n)
	}
}

// The Kinesis side records through metricStore.record; GetMetricData must serve those points.
func TestCloudWatchServesRecordedKinesisMetrics(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{})
	stream := []Dimension{{"StreamName", "orders"}}
	for i := range 90 {
		at := cwT0.Add(time.Duration(i) * time.Second)
		f.clock.Advance(at.Sub(f.clock.Now()))
		f.srv.Emulator.metrics.record("AWS/Kinesis", "IncomingRecords", stream, "Count", at, float64(i%10))
	}
	out, err := f.client.GetMetricData(context.Background(), &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(cwT0), EndTime: aws.Time(cwT0.Add(2 * time.Minute)),
		MetricDataQueries: []types.MetricDataQuery{
			statQuery("sum", "AWS/Kinesis", "IncomingRecords", dims("StreamName", "orders"), 60, "Sum"),
			statQuery("max", "AWS/Kinesis", "IncomingRecords", dims("StreamName", "orders"), 1, "Maximum"),
		},
		ScanBy: types.ScanByTimestampAscending,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, w := resultPoints(t, resultByID(t, out, "sum")), []point{{cwT0, 270}, {cwT0.Add(time.Minute), 135}}; !slices.Equal(got, w) {
		t.Errorf("Sum per minute %v, want %v", got, w)
	}
	if got := resultPoints(t, resultByID(t, out, "max")); len(got) != 90 || got[89] != (point{cwT0.Add(89 * time.Second), 9}) {
		t.Errorf("Maximum per second: %d points ending %v, want 90 ending 9 at 89 s", len(got), got[len(got)-1])
	}
}

func TestCloudWatchGetMetricDataPagination(t *testing.T) {
	f := newCWFixture(t, cwT0.Add(time.Hour), Config{})
	ctx := context.Background()
	var data []types.MetricDatum
	for i := range 5 {
		data = append(data, types.MetricDatum{MetricName: aws.String("A"), Timestamp: aws.Time(cwT0.Add(time.Duration(i) * time.Minute)), Value: aws.Float64(float64(i + 1))})
	}
	for i := range 3 {
		data = append(data, types.MetricDatum{MetricName: aws.String("B"), Timestamp: aws.Time(cwT0.Add(time.Duration(i) * time.Minute)), Value: aws.Float64(float64(10 * (i + 1)))})
	}
	if _, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("P"), MetricData: data}); err != nil {
		t.Fatal(err)
	}
	hidden := statQuery("hidden", "P", "B", nil, 60, "Sum")
	hidden.ReturnData = aws.Bool(false)
	for _, scan := range []types.ScanBy{types.ScanByTimestampAscending, types.ScanByTimestampDescending} {
		t.Run(string(scan), func(t *testing.T) {
			in := &cloudwatch.GetMetricDataInput{
				StartTime: aws.Time(cwT0), EndTime: aws.Time(cwT0.Add(time.Hour)), ScanBy: scan, MaxDatapoints: aws.Int32(3),
				MetricDataQueries: []types.MetricDataQuery{statQuery("a", "P", "A", nil, 60, "Sum"), hidden, statQuery("b", "P", "B", nil, 60, "Sum")},
			}
			got := map[string][]float64{}
			var pageSizes []int
			var statuses []string
			p := cloudwatch.NewGetMetricDataPaginator(f.client, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				var st []string
				for _, r := range out.MetricDataResults {
					got[aws.ToString(r.Id)] = append(got[aws.ToString(r.Id)], r.Values...)
					n += len(r.Values)
					st = append(st, aws.ToString(r.Id)+"="+string(r.StatusCode))
				}
				pageSizes = append(pageSizes, n)
				statuses = append(statuses, fmt.Sprint(st))
			}
			wantA, wantB := []float64{1, 2, 3, 4, 5}, []float64{10, 20, 30}
			if scan == types.ScanByTimestampDescending {
				slices.Reverse(wantA)
				slices.Reverse(wantB)
			}
			if !slices.Equal(got["a"], wantA) || !slices.Equal(got["b"], wantB) || got["hidden"] != nil {
				t.Errorf("values across pages %v, want a=%v b=%v and nothing for hidden", got, wantA, wantB)
			}
			if !slices.Equal(pageSizes, []int{3, 3, 2}) {
				t.Errorf("page sizes %v, want [3 3 2] (MaxDatapoints 3)", pageSizes)
			}
			wantStatuses := []string{"[a=PartialData b=PartialData]", "[a=Complete b=PartialData]", "[a=Complete b=Complete]"}
			if !slices.Equal(statuses, wantStatuses) {
				t.Errorf("statuses %v, want %v", statuses, wantStatuses)
			}
		})
	}
}

func listAll(t *testing.T, c *cloudwatch.Client, in *cloudwatch.ListMetricsInput) (metrics []string, pages []int) {
	t.Helper()
	p := cloudwatch.NewListMetricsPaginator(c, in)
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(out.Metrics))
		for _, m := range out.Metrics {
			s := aws.ToString(m.Namespace) + "/" + aws.ToString(m.MetricName)
			for _, d := range m.Dimensions {
				s += fmt.Sprintf(" %s=%s", aws.ToString(d.Name), aws.ToString(d.Value))
			}
			metrics = append(metrics, s)
		}
	}
	return metrics, pages
}

func TestCloudWatchListMetricsFilters(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{})
	ctx := context.Background()
	put := func(ns, name string, d []types.Dimension) {
		t.Helper()
		if _, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
			Namespace: aws.String(ns), MetricData: []types.MetricDatum{{MetricName: aws.String(name), Dimensions: d, Value: aws.Float64(1)}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	put("App", "Requests", dims("Service", "api"))
	put("App", "Requests", dims("Service", "web"))
	put("App", "Requests", dims("Service", "api", "Host", "h1"))
	put("App", "Latency", dims("Service", "api"))
	put("Other", "Requests", nil)
	f.srv.Emulator.metrics.record("AWS/Kinesis", "IncomingBytes", []Dimension{{"StreamName", "s"}}, "Bytes", cwT0, 1)

	filter := func(name string, value *string) []types.DimensionFilter {
		return []types.DimensionFilter{{Name: aws.String(name), Value: value}}
	}
	for _, tc := range []struct {
		name string
		in   cloudwatch.ListMetricsInput
		want []string
	}{
		{"all", cloudwatch.ListMetricsInput{}, []string{
			"AWS/Kinesis/IncomingBytes StreamName=s", "App/Latency Service=api", "App/Requests Host=h1 Service=api",
			"App/Requests Service=api", "App/Requests Service=web", "Other/Requests"}},
		{"namespace", cloudwatch.ListMetricsInput{Namespace: aws.String("App")}, []string{
			"App/Latency Service=api", "App/Requests Host=h1 Service=api", "App/Requests Service=api", "App/Requests Service=web"}},
		{"name", cloudwatch.ListMetricsInput{MetricName: aws.String("Requests")}, []string{
			"App/Requests Host=h1 Service=api", "App/Requests Service=api", "App/Requests Service=web", "Other/Requests"}},
		{"dimension with value, extra dimensions allowed", cloudwatch.ListMetricsInput{Dimensions: filter("Service", aws.String("api"))}, []string{
			"App/Latency Service=api", "App/Requests Host=h1 Service=api", "App/Requests Service=api"}},
		{"dimension name only", cloudwatch.ListMetricsInput{Dimensions: filter("Host", nil)}, []string{"App/Requests Host=h1 Service=api"}},
		{"all filters", cloudwatch.ListMetricsInput{Namespace: aws.String("App"), MetricName: aws.String("Requests"),
			Dimensions: append(filter("Service", nil), filter("Host", aws.String("h1"))...)}, []string{"App/Requests Host=h1 Service=api"}},
		{"no match", cloudwatch.ListMetricsInput{Namespace: aws.String("Nope")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := listAll(t, f.client, &tc.in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestCloudWatchListMetricsPagination(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{})
	const n = 1203
	var want []string
	for start := 0; start < n; start += 1000 {
		var data []types.MetricDatum
		for i := start; i < min(n, start+1000); i++ {
			name := fmt.Sprintf("m%04d", i)
			data = append(data, types.MetricDatum{MetricName: aws.String(name), Value: aws.Float64(1)})
			want = append(want, "Bulk/"+name)
		}
		if _, err := f.client.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("Bulk"), MetricData: data}); err != nil {
			t.Fatal(err)
		}
	}
	got, pages := listAll(t, f.client, &cloudwatch.ListMetricsInput{Namespace: aws.String("Bulk")})
	if !slices.Equal(pages, []int{500, 500, 203}) {
		t.Errorf("page sizes %v, want [500 500 203]", pages)
	}
	if !slices.Equal(got, want) {
		t.Errorf("listed %d metrics (first %v), want the %d in order", len(got), got[:min(3, len(got))], n)
	}
}

func TestCloudWatchListMetricsOnlyMetricsWithData(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{MetricRetention: 5 * time.Hour})
	ctx := context.Background()
	for name, age := range map[string]time.Duration{"Old": 4 * time.Hour, "New": time.Hour} {
		if _, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("R"), MetricData: []types.MetricDatum{
			{MetricName: aws.String(name), Timestamp: aws.Time(cwT0.Add(-age)), Value: aws.Float64(1)},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := listAll(t, f.client, &cloudwatch.ListMetricsInput{RecentlyActive: types.RecentlyActivePt3h})
	if !slices.Equal(got, []string{"R/New"}) {
		t.Errorf("RecentlyActive PT3H: %v, want [R/New]", got)
	}
	got, _ = listAll(t, f.client, &cloudwatch.ListMetricsInput{})
	if !slices.Equal(got, []string{"R/New", "R/Old"}) {
		t.Errorf("all: %v, want [R/New R/Old]", got)
	}
	f.clock.Advance(90 * time.Minute) // Old is now 5 h 30 min old: past the retention
	got, _ = listAll(t, f.client, &cloudwatch.ListMetricsInput{})
	if !slices.Equal(got, []string{"R/New"}) {
		t.Errorf("after Old expired: %v, want [R/New]", got)
	}
}

func TestCloudWatchMetricRetentionPrunes(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{MetricRetention: 2 * time.Minute})
	ctx := context.Background()
	if _, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("T"), MetricData: []types.MetricDatum{
		{MetricName: aws.String("M"), Value: aws.Float64(3)}, // no Timestamp: the emulator's now
	}}); err != nil {
		t.Fatal(err)
	}
	get := func() []float64 {
		t.Helper()
		out, err := f.client.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(cwT0.Add(-time.Hour)), EndTime: aws.Time(cwT0.Add(time.Hour)),
			MetricDataQueries: []types.MetricDataQuery{statQuery("m", "T", "M", nil, 60, "Sum")},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.MetricDataResults[0].Values
	}
	if v := get(); !slices.Equal(v, []float64{3}) {
		t.Fatalf("before expiry: %v, want [3]", v)
	}
	f.clock.Advance(119 * time.Second)
	if v := get(); !slices.Equal(v, []float64{3}) {
		t.Fatalf("within the retention: %v, want [3]", v)
	}
	f.clock.Advance(time.Second)
	if v := get(); len(v) != 0 {
		t.Errorf("after the retention: %v, want nothing", v)
	}
	if got, _ := listAll(t, f.client, &cloudwatch.ListMetricsInput{}); len(got) != 0 {
		t.Errorf("ListMetrics after the retention: %v, want nothing", got)
	}
}

// wantCWError checks err is the SDK's typed error T with ErrorCode code and HTTP status.
func wantCWError[T error](t *testing.T, err error, code string, status int) T {
	t.Helper()
	var typed T
	if !errors.As(err, &typed) {
		t.Fatalf("error %v (%T): want %T", err, err, typed)
	}
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Errorf("ErrorCode() = %q, want %q (error %v)", api.ErrorCode(), code, err)
	}
	var resp *awshttp.ResponseError
	if !errors.As(err, &resp) || resp.HTTPStatusCode() != status {
		t.Errorf("HTTP status %d, want %d", resp.HTTPStatusCode(), status)
	}
	return typed
}

func TestCloudWatchErrorsAreTypedSDKErrors(t *testing.T) {
	f := newCWFixture(t, cwT0, Config{})
	ctx := context.Background()
	one := []types.MetricDatum{{MetricName: aws.String("M"), Value: aws.Float64(1)}}
	put := func(ns string, data []types.MetricDatum) error {
		_, err := f.client.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: data})
		return err
	}
	get := func(in cloudwatch.GetMetricDataInput) error {
		in.StartTime, in.EndTime = aws.Time(cwT0.Add(-time.Hour)), aws.Time(cwT0)
		_, err := f.client.GetMetricData(ctx, &in)
		return err
	}

	t.Run("AWS namespace", func(t *testing.T) {
		e := wantCWError[*types.InvalidParameterValueException](t, put("AWS/Kinesis", one), "InvalidParameterValue", 400)
		if msg := aws.ToString(e.Message); msg == "" {
			t.Error("no message")
		}
	})
	t.Run("too many metrics", func(t *testing.T) {
		wantCWError[*types.InvalidParameterValueException](t, put("App", slices.Repeat(one, 1001)), "InvalidParameterValue", 400)
	})
	t.Run("NaN value", func(t *testing.T) {
		wantCWError[*types.InvalidParameterValueException](t,
			put("App", []types.MetricDatum{{MetricName: aws.String("M"), Value: aws.Float64(math.NaN())}}), "InvalidParameterValue", 400)
	})
	t.Run("timestamp three weeks old", func(t *testing.T) {
		wantCWError[*types.InvalidParameterValueException](t, put("App", []types.MetricDatum{
			{MetricName: aws.String("M"), Value: aws.Float64(1), Timestamp: aws.Time(cwT0.Add(-21 * 24 * time.Hour))}}), "InvalidParameterValue", 400)
	})
	t.Run("Value and StatisticValues", func(t *testing.T) {
		wantCWError[*types.InvalidParameterCombinationException](t, put("App", []types.MetricDatum{{MetricName: aws.String("M"), Value: aws.Float64(1),
			StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(1), Sum: aws.Float64(1), Minimum: aws.Float64(1), Maximum: aws.Float64(1)}}}),
			"InvalidParameterCombination", 400)
	})
	t.Run("nothing stored after a rejected request", func(t *testing.T) {
		err := put("App", []types.MetricDatum{{MetricName: aws.String("Good"), Value: aws.Float64(1)}, {MetricName: aws.String("Bad"), Unit: "Parsecs", Value: aws.Float64(1)}})
		wantCWError[*types.InvalidParameterValueException](t, err, "InvalidParameterValue", 400)
		if got, _ := listAll(t, f.client, &cloudwatch.ListMetricsInput{MetricName: aws.String("Good")}); len(got) != 0 {
			t.Errorf("the valid datum of a rejected request was stored: %v", got)
		}
	})
	t.Run("unsupported statistic", func(t *testing.T) {
		e := wantCWError[*types.ValidationException](t, get(cloudwatch.GetMetricDataInput{
			MetricDataQueries: []types.MetricDataQuery{statQuery("m", "App", "M", nil, 60, "p99")}}), "ValidationError", 400)
		if msg := aws.ToString(e.Message); !containsAll(msg, "p99", "Sum, SampleCount, Average, Minimum, Maximum") {
			t.Errorf("message %q should name the statistic and the ones supported", msg)
		}
	})
	t.Run("metric math", func(t *testing.T) {
		e := wantCWError[*types.ValidationException](t, get(cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{
			statQuery("m", "App", "M", nil, 60, "Sum"),
			{Id: aws.String("e1"), Expression: aws.String("m * 2")},
		}}), "ValidationError", 400)
		if msg := aws.ToString(e.Message); !containsAll(msg, "e1", "does not evaluate") {
			t.Errorf("message %q should say the emulator does not evaluate expressions", msg)
		}
	})
	t.Run("bad period", func(t *testing.T) {
		wantCWError[*types.ValidationException](t, get(cloudwatch.GetMetricDataInput{
			MetricDataQueries: []types.MetricDataQuery{statQuery("m", "App", "M", nil, 0, "Sum")}}), "ValidationError", 400)
	})
	t.Run("duplicate ids", func(t *testing.T) {
		q := statQuery("m", "App", "M", nil, 60, "Sum")
		wantCWError[*types.ValidationException](t, get(cloudwatch.GetMetricDataInput{MetricDataQueries: []types.MetricDataQuery{q, q}}), "ValidationError", 400)
	})
	t.Run("bad NextToken", func(t *testing.T) {
		wantCWError[*types.InvalidNextToken](t, get(cloudwatch.GetMetricDataInput{NextToken: aws.String("garbage"),
			MetricDataQueries: []types.MetricDataQuery{statQuery("m", "App", "M", nil, 60, "Sum")}}), "InvalidNextToken", 400)
	})
	t.Run("unknown operation", func(t *testing.T) {
		_, err := f.client.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
		wantCWError[*smithy.GenericAPIError](t, err, "UnknownOperationException", 404)
	})
	t.Run("garbage body", func(t *testing.T) {
		_, err := f.client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{}, withBody([]byte{0xbf, 0x61, 'x', 0x1c}))
		wantCWError[*smithy.GenericAPIError](t, err, "SerializationException", 400)
	})
	t.Run("wrong member type", func(t *testing.T) {
		// {"Namespace": 7}
		_, err := f.client.ListMetrics(ctx, &cloudwatch.ListMetricsInput{}, withBody([]byte{0xa1, 0x69, 'N', 'a', 'm', 'e', 's', 'p', 'a', 'c', 'e', 0x07}))
		e := wantCWError[*smithy.GenericAPIError](t, err, "SerializationException", 400)
		if !containsAll(e.Message, "Namespace", "text string") {
			t.Errorf("message %q should name the member and the type expected", e.Message)
		}
	})
}

// withBody makes the SDK send body instead of the request it serialized.
func withBody(body []byte) func(*cloudwatch.Options) {
	return func(o *cloudwatch.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("cwTestBody",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					req, err := in.Request.(*smithyhttp.Request).SetStream(bytes.NewReader(body))
					if err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
					in.Request = req
					return next.HandleFinalize(ctx, in)
				}), middleware.After)
		})
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
