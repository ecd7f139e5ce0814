package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/tui"
)

type historyMap map[cloudwatch.Metric][]cloudwatch.Point

func (h historyMap) History(m cloudwatch.Metric) []cloudwatch.Point { return h[m] }

// The poller's points become CWFigures series by name, statistic and shard; a period still
// running is left out (it would read as a drop), and so is a series with no complete period.
func TestCWFiguresKeepCompletePeriodsOnly(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 10, 30, 0, time.UTC)
	minute := func(m int) time.Time { return time.Date(2026, 3, 1, 12, m, 0, 0, time.UTC) }
	recs := cloudwatch.Metric{Name: "IncomingRecords", Stat: cloudwatch.Sum}
	shardRecs := cloudwatch.Metric{Name: "IncomingRecords", Stat: cloudwatch.Sum, ShardID: "shardId-000000000001"}
	lat := cloudwatch.Metric{Name: "PutRecords.Latency", Stat: cloudwatch.Average}
	h := historyMap{
		recs:      {{Time: minute(8), Value: 6000}, {Time: minute(9), Value: 12000}, {Time: minute(10), Value: 10}},
		shardRecs: {{Time: minute(9), Value: 3000}},
		lat:       {{Time: minute(10), Value: 20}}, // only the running period
	}
	f := cwFigures(h, []cloudwatch.Metric{recs, shardRecs, lat}, time.Minute, now)
	if f.Period != time.Minute || f.Namespace != "AWS/Kinesis" {
		t.Errorf("figures: %+v", f)
	}
	got := f.Points(metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum"})
	want := []metrics.CWPoint{{Start: minute(8), Value: 6000}, {Start: minute(9), Value: 12000}}
	if !slices.Equal(got, want) {
		t.Errorf("stream IncomingRecords: %v, want %v", got, want)
	}
	if r, p := f.Rate(metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum"}), f.PeakRate(metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum"}); r != 150 || p != 200 {
		t.Errorf("rate %v, peak %v: want 150 and 200 records/s", r, p)
	}
	if pts := f.Points(metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum", ShardID: "shardId-000000000001"}); len(pts) != 1 || pts[0].Value != 3000 {
		t.Errorf("shard series: %v", pts)
	}
	if _, ok := f.Series[metrics.CWSeriesID{Name: "PutRecords.Latency", Stat: "Average"}]; ok || len(f.Series) != 2 {
		t.Errorf("a series with no complete period is kept: %v", f.Series)
	}
}

// countingEmulator serves an emulator and counts the EnableEnhancedMonitoring calls it gets.
func countingEmulator(t *testing.T, streams ...emulator.StreamSpec) (url string, emu *emulator.Emulator, enables *atomic.Int32) {
	t.Helper()
	// The SDK's configuration chain: credentials and nothing else from this machine.
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	emu, err := emulator.New(emulator.Config{Streams: streams})
	if err != nil {
		t.Fatal(err)
	}
	enables = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".EnableEnhancedMonitoring") {
			enables.Add(1)
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, emu, enables
}

// load writes small records to stream until the test ends, as another producer would.
func load(t *testing.T, url, stream string) {
	kin := sdktest.Kinesis(url, 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			var entries []types.PutRecordsRequestEntry
			for j := range 50 {
				entries = append(entries, types.PutRecordsRequestEntry{Data: make([]byte, 100), PartitionKey: aws.String(fmt.Sprint(i*50 + j))})
			}
			kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
}

func press(t *testing.T, m tui.Model, key string) tui.Model {
	t.Helper()
	nm, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(key)})
	for cmd != nil {
		msg := cmd()
		if msg == nil {
			break
		}
		nm, cmd = nm.Update(msg)
	}
	return nm.(tui.Model)
}

// A watch of a stream another producer loads assembles the outside view: the stream's summary
// and shards, its CloudWatch figures, every source in order with its cost — the shard metrics
// off, saying how to turn them on and what that costs — and the report's figures. It turns
// on enhanced monitoring only on a yes in the dashboard, says it stays on, and how to turn it off.
func TestWatchSeesTheStreamAndAsksBeforeShardMetrics(t *testing.T) {
	url, _, enables := countingEmulator(t, emulator.StreamSpec{Name: "orders", Shards: 2})
	load(t, url, "orders")
	w, err := StartWatch(context.Background(), WatchOptions{Stream: "orders", Region: "us-east-1", Endpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	incoming := metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum"}
	eventually.True(t, 30*time.Second, "the outside view to hold the stream's IncomingRecords", func() bool {
		v := w.Outside()
		return v != nil && len(v.Kinesis.Points(incoming)) >= 2
	})
	v := w.Outside()
	s := v.Stream
	if s.Name != "orders" || s.Status != "ACTIVE" || s.Mode != "PROVISIONED" || s.Encryption != "NONE" || len(s.Shards) != 2 || len(s.ShardLevelMetrics) != 0 {
		t.Errorf("stream: %+v", s)
	}
	if r := v.Kinesis.Rate(incoming); !(r > 0) || v.Kinesis.Period != time.Second || v.ShardLevel != nil {
		t.Errorf("figures: rate %v, period %v, shard level %v", r, v.Kinesis.Period, v.ShardLevel)
	}
	var names []string
	for _, src := range v.Sources {
		names = append(names, src.Name)
	}
	if want := []string{"CloudWatch stream metrics", "CloudWatch shard metrics", "KPL metrics", "shardstorm agents", "record sample"}; !slices.Equal(names, want) {
		t.Fatalf("sources %q, want %q", names, want)
	}
	if src := v.Sources[0]; src.Status != "reading" || src.Resolution != "1-second sums" || !strings.Contains(src.Cost, "free against a local endpoint") {
		t.Errorf("stream metrics source: %+v", src)
	}
	if src := v.Sources[1]; src.Status != "off" || !strings.Contains(src.Detail, "--enable-shard-metrics") || !strings.Contains(src.Cost, "USD 0.90 per shard-month") {
		t.Errorf("shard metrics source: %+v", src)
	}
	// Nobody publishes KPL or agents' metrics for this stream: the readers say what they looked
	// for. The sample is off (SampleShards 0) and says how to turn it on.
	for _, src := range v.Sources[2:4] {
		if src.Status != "none published" || !strings.Contains(src.Detail, `StreamName="orders"`) {
			t.Errorf("a namespace with nothing for the stream must say so: %+v", src)
		}
	}
	if src := v.Sources[4]; src.Status != "off" || !strings.Contains(src.Detail, "--sample-shards N") {
		t.Errorf("the sample turned off must say how to turn it on: %+v", src)
	}
	if len(w.Findings()) != 0 || len(w.Unseen()) == 0 {
		t.Errorf("findings %v, unseen %v", w.Findings(), w.Unseen())
	}
	rep := w.Report(time.Now())
	if f := rep.Figures; !(f.Stream.RecordsPerSec > 0) || !(f.Stream.PeakRecordsPerSec >= f.Stream.RecordsPerSec) || f.Periods < 2 || f.OpenShards != 2 || len(f.Shards) != 0 {
		t.Errorf("report figures: %+v", f)
	}

	// The dashboard: e asks; no turns nothing on; only yes calls EnableEnhancedMonitoring.
	m := tui.NewModel(w, w, tui.Options{View: tui.ViewFindings})
	nm, _ := m.Update(tea.WindowSizeMsg{Width: 140, Height: 50})
	m = nm.(tui.Model)
	m = press(t, m, "e")
	if screen := ansi.Strip(m.View()); !strings.Contains(screen, "Turn on shard-level metrics for 2 shards (≈ USD 1.80 a month") {
		t.Fatalf("e did not ask with the cost:\n%s", screen)
	}
	m = press(t, m, "n")
	if n := enables.Load(); n != 0 {
		t.Fatalf("EnableEnhancedMonitoring called %d times without a yes", n)
	}
	if w.StillOn() != "" {
		t.Errorf("nothing was turned on, yet: %s", w.StillOn())
	}
	m = press(t, m, "e")
	press(t, m, "y")
	if n := enables.Load(); n != 1 {
		t.Fatalf("after a yes, EnableEnhancedMonitoring was called %d times", n)
	}
	if on := w.StillOn(); !strings.Contains(on, "aws kinesis disable-enhanced-monitoring --stream-name orders --shard-level-metrics IncomingBytes IncomingRecords WriteProvisionedThroughputExceeded") {
		t.Errorf("on quit: %q", on)
	}
	shardRecs := metrics.CWSeriesID{Name: "IncomingRecords", Stat: "Sum", ShardID: s.Shards[0].ShardID}
	eventually.True(t, 30*time.Second, "shard-level figures once enhanced monitoring is on", func() bool {
		v := w.Outside()
		return v.ShardLevel != nil && len(v.ShardLevel.Points(shardRecs)) > 0 && v.Sources[1].Status == "reading"
	})

	// A second watch asked to turn them on finds them on: no call, nothing to turn off later.
	w2, err := StartWatch(context.Background(), WatchOptions{Stream: "orders", Region: "us-east-1", Endpoint: url, EnableShardMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	w2.Stop()
	if n := enables.Load(); n != 1 || w2.StillOn() != "" {
		t.Errorf("a watch re-enabled what was on: %d calls, %q", n, w2.StillOn())
	}
}

// --enable-shard-metrics turns on only what is missing and never turns off what the user had.
func TestEnableShardMetricsTurnsOnOnlyWhatIsMissing(t *testing.T) {
	url, emu, enables := countingEmulator(t, emulator.StreamSpec{Name: "orders", Shards: 1})
	kin := sdktest.Kinesis(url, 0, nil)
	if _, err := kin.EnableEnhancedMonitoring(context.Background(), &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("orders"),
		ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameIteratorAgeMilliseconds}}); err != nil {
		t.Fatal(err)
	}
	_ = emu
	w, err := StartWatch(context.Background(), WatchOptions{Stream: "orders", Region: "us-east-1", Endpoint: url, EnableShardMetrics: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Stop()
	if n := enables.Load(); n != 2 {
		t.Fatalf("EnableEnhancedMonitoring calls: %d, want the user's and one from the watch", n)
	}
	out, err := kin.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	var on []string
	for _, em := range out.StreamDescriptionSummary.EnhancedMonitoring {
		for _, m := range em.ShardLevelMetrics {
			on = append(on, string(m))
		}
	}
	slices.Sort(on)
	if want := []string{"IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds", "WriteProvisionedThroughputExceeded"}; !slices.Equal(on, want) {
		t.Errorf("enhanced monitoring after the watch: %v, want %v", on, want)
	}
	if got := w.StillOn(); !strings.Contains(got, "--shard-level-metrics IncomingRecords WriteProvisionedThroughputExceeded") {
		t.Errorf("StillOn names what the user had on too, or not what the watch turned on: %q", got)
	}
	var events []string
	for _, e := range w.Events() {
		events = append(events, e.Text)
	}
	if !slices.ContainsFunc(events, func(s string) bool {
		return strings.Contains(s, "turned on enhanced monitoring for orders (IncomingRecords, WriteProvisionedThroughputExceeded)") && strings.Contains(s, "USD 0.90 per shard-month")
	}) {
		t.Errorf("no event says what was turned on and what it costs: %q", events)
	}
}
