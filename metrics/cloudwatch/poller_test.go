package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/internal/sdktest"
)

func (e *testEnv) poller(t *testing.T, cw Reader, level ShardLevel) *Poller {
	t.Helper()
	p, err := NewPoller(cw, e.kin, Config{StreamName: "s", Period: time.Second, ShardLevel: level, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sumOf(p *Poller, name, stat, shard string) float64 {
	return cwSum(p.History(Metric{Name: name, Stat: stat, ShardID: shard}))
}

// The stream-level figures read back from CloudWatch are the emulator's own counters: records
// and bytes accepted, records throttled, over several seconds and with throttling.
func TestPollerMatchesEmulatorCounters(t *testing.T) {
	e := newEnv(t, 2)
	e.put(t, 300, 100, "")
	e.clock.Advance(time.Second)
	e.put(t, 1500, 200, "hot") // one shard: its 1000-record burst, then throttles
	e.clock.Advance(time.Second)

	p := e.poller(t, e.cw, ShardLevelAuto)
	if err := p.Poll(e.ctx); err != nil {
		t.Fatal(err)
	}
	st := e.stats(t).Total
	if st.ThrottledRecords == 0 {
		t.Fatal("the test meant to throttle some records")
	}
	for _, c := range []struct {
		name string
		want int64
	}{
		{"IncomingRecords", st.AcceptedRecords},
		{"IncomingBytes", st.AcceptedBytes},
		{"WriteProvisionedThroughputExceeded", st.ThrottledRecords},
		{"PutRecords.ThrottledRecords", st.ThrottledRecords},
		{"PutRecords.SuccessfulRecords", st.AcceptedRecords},
		{"PutRecords.Records", st.AcceptedRecords},
		{"PutRecords.TotalRecords", st.AcceptedRecords + st.ThrottledRecords},
		{"PutRecords.FailedRecords", st.InternalFailures},
		{"PutRecords.Bytes", st.AcceptedBytes},
	} {
		if got := sumOf(p, c.name, Sum, ""); got != float64(c.want) {
			t.Errorf("%s: CloudWatch sums to %v, the emulator counted %d", c.name, got, c.want)
		}
	}
	if n := len(p.History(Metric{Name: "IncomingRecords", Stat: Sum})); n != 2 {
		t.Errorf("IncomingRecords has %d points, want one per second written (2)", n)
	}
	for _, stat := range []string{Average, Maximum} {
		if _, ok := p.Latest(Metric{Name: "PutRecords.Latency", Stat: stat}); !ok {
			t.Errorf("no PutRecords.Latency %s", stat)
		}
	}
	s := p.Snapshot()
	if s.State.Status != OK || s.State.Err != "" || !s.State.LastSuccess.Equal(t0.Add(2*time.Second)) {
		t.Errorf("state %+v, want OK with LastSuccess at the poll", s.State)
	}
	if len(s.ShardLevelMetrics) != 0 {
		t.Errorf("shard-level metrics %v before EnableEnhancedMonitoring", s.ShardLevelMetrics)
	}
	for _, l := range s.Latest {
		if l.ShardID != "" {
			t.Errorf("shard-level series %+v before EnableEnhancedMonitoring", l.Metric)
		}
	}
}

// Shard-level series appear once enhanced monitoring is on (found out by DescribeStreamSummary),
// and per shard they agree with the emulator's per-shard counters.
func TestPollerShardLevelAfterEnhancedMonitoring(t *testing.T) {
	e := newEnv(t, 2)
	p := e.poller(t, e.cw, ShardLevelAuto)
	ids := e.shardIDs(t)
	p.SetShards(ids)

	e.put(t, 400, 50, "")
	e.clock.Advance(time.Second)
	if err := p.Poll(e.ctx); err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Snapshot().Latest {
		if l.ShardID != "" {
			t.Fatalf("shard-level series %+v before EnableEnhancedMonitoring", l.Metric)
		}
	}

	if _, err := e.kin.EnableEnhancedMonitoring(e.ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamName: aws.String("s"), ShardLevelMetrics: []ktypes.MetricsName{ktypes.MetricsNameAll}}); err != nil {
		t.Fatal(err)
	}
	before := e.stats(t)
	e.put(t, 600, 80, "")
	e.clock.Advance(time.Second)
	if err := p.Poll(e.ctx); err != nil {
		t.Fatal(err)
	}
	after := e.stats(t)
	s := p.Snapshot()
	if len(s.ShardLevelMetrics) != 7 {
		t.Errorf("ShardLevelMetrics = %v, want all 7", s.ShardLevelMetrics)
	}
	for i, sh := range after.Shards {
		recs := sh.AcceptedRecords - before.Shards[i].AcceptedRecords
		bytes := sh.AcceptedBytes - before.Shards[i].AcceptedBytes
		if recs == 0 {
			t.Fatalf("shard %s got nothing: the test meant to write to both", sh.ShardID)
		}
		if got := sumOf(p, "IncomingRecords", Sum, sh.ShardID); got != float64(recs) {
			t.Errorf("%s IncomingRecords = %v, emulator accepted %d since enabling", sh.ShardID, got, recs)
		}
		if got := sumOf(p, "IncomingBytes", Sum, sh.ShardID); got != float64(bytes) {
			t.Errorf("%s IncomingBytes = %v, emulator accepted %d bytes since enabling", sh.ShardID, got, bytes)
		}
	}

	// A shard dropped from the map takes its history with it.
	p.SetShards(ids[:1])
	for _, l := range p.Snapshot().Latest {
		if l.ShardID == ids[1] {
			t.Errorf("series %+v kept after SetShards dropped its shard", l.Metric)
		}
	}
}

// With ShardLevel On the poller needs no Kinesis client; with Off it never reads shard-level
// metrics, enhanced monitoring or not.
func TestPollerShardLevelFlag(t *testing.T) {
	e := newEnv(t, 2)
	if _, err := e.kin.EnableEnhancedMonitoring(e.ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamName: aws.String("s"), ShardLevelMetrics: []ktypes.MetricsName{ktypes.MetricsNameIncomingRecords}}); err != nil {
		t.Fatal(err)
	}
	e.put(t, 200, 10, "")
	e.clock.Advance(time.Second)
	ids := e.shardIDs(t)
	var total float64
	for _, level := range []ShardLevel{ShardLevelOn, ShardLevelOff} {
		p, err := NewPoller(e.cw, nil, Config{StreamName: "s", Period: time.Second, ShardLevel: level, Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		p.SetShards(ids)
		if err := p.Poll(e.ctx); err != nil {
			t.Fatal(err)
		}
		total = 0
		for _, id := range ids {
			total += sumOf(p, "IncomingRecords", Sum, id)
		}
		if want := map[ShardLevel]float64{ShardLevelOn: 200, ShardLevelOff: 0}[level]; total != want {
			t.Errorf("level %d: shard IncomingRecords sum %v, want %v", level, total, want)
		}
	}
	if _, err := NewPoller(e.cw, nil, Config{StreamName: "s"}); err == nil {
		t.Error("ShardLevel Auto without a Kinesis client: want an error")
	}
}

// More than 500 queries go in several GetMetricData calls, and pages (NextToken) are followed:
// forced to 3 data points a page, the sums still match the emulator.
func TestPollerBatchesQueriesAndFollowsPages(t *testing.T) {
	e := newEnv(t, 2)
	for range 4 {
		e.put(t, 50, 10, "")
		e.clock.Advance(time.Second)
	}
	cw := &countingClient{Client: e.cw, maxDatapoints: 3}
	p := e.poller(t, cw, ShardLevelOn)
	var shards []string
	for i := range 80 { // 16 stream-level + 80 × 7 shard-level queries = 576
		shards = append(shards, fmt.Sprintf("shardId-%012d", 100+i))
	}
	p.SetShards(shards)
	if err := p.Poll(e.ctx); err != nil {
		t.Fatal(err)
	}
	if slices.Max(cw.queries) > 500 {
		t.Errorf("a call carried %d queries, GetMetricData takes 500", slices.Max(cw.queries))
	}
	if !slices.Contains(cw.queries, 500) || !slices.Contains(cw.queries, 76) {
		t.Errorf("queries per call %v: want a batch of 500 and the rest in another", cw.queries)
	}
	if cw.gets < 3 {
		t.Errorf("%d calls: with 3 data points a page, pages should have been followed", cw.gets)
	}
	if got, want := sumOf(p, "IncomingRecords", Sum, ""), float64(e.stats(t).Total.AcceptedRecords); got != want {
		t.Errorf("IncomingRecords over pages = %v, want %v", got, want)
	}
}

// The age of the latest point is now minus its timestamp, and keeps growing while CloudWatch
// has nothing newer (the history keeps the point).
func TestPollerReportsAgeOfLatestPoint(t *testing.T) {
	e := newEnv(t, 1)
	e.clock.Advance(300 * time.Millisecond)
	e.put(t, 10, 10, "")
	e.clock.Advance(2 * time.Second) // now t0 + 2.3 s
	p := e.poller(t, e.cw, ShardLevelOff)
	if err := p.Poll(e.ctx); err != nil {
		t.Fatal(err)
	}
	m := Metric{Name: "IncomingRecords", Stat: Sum}
	l, ok := p.Latest(m)
	if !ok || !l.Time.Equal(t0) || l.Age != 2300*time.Millisecond || l.Value != 10 {
		t.Fatalf("latest %+v %v, want 10 at %v, 2.3 s old", l, ok, t0)
	}
	// Between polls a snapshot's points are the same and their ages grow with the clock.
	if s := p.Snapshot(); len(s.Latest) == 0 || s.Latest[0].Age != 2300*time.Millisecond {
		t.Fatalf("snapshot %+v: want the point 2.3 s old", s.Latest)
	}
	e.clock.Advance(time.Second)
	if s := p.Snapshot(); len(s.Latest) == 0 || s.Latest[0].Age != 3300*time.Millisecond {
		t.Fatalf("snapshot a second later %+v: want the point 3.3 s old", s.Latest)
	}
	e.clock.Advance(149 * time.Second) // beyond the revisit window
	if err := p.Poll(e.ctx); err != nil {
		t.Fatal(err)
	}
	l, _ = p.Latest(m)
	if l.Age != 152300*time.Millisecond {
		t.Errorf("age %v, want 2m32.3s", l.Age)
	}
	s := p.Snapshot()
	if s.State.Status != OK || len(s.Latest) == 0 || s.Latest[0].Age != l.Age {
		t.Errorf("snapshot %+v: want OK with the same age", s)
	}
}

// A 403 AccessDenied (no cloudwatch:GetMetricData) becomes AccessDenied with the service's
// message, not a generic outage.
func TestPollerAccessDenied(t *testing.T) {
	leakCheck(t)
	msg := "User: arn:aws:iam::123456789012:user/loadtest is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action"
	stub := errorServer(t, 403, "com.amazon.coral.service#AccessDeniedException", "AccessDenied", msg)
	p, err := NewPoller(sdktest.CloudWatch(stub.URL, 0, nil), nil, Config{StreamName: "s", ShardLevel: ShardLevelOff})
	if err != nil {
		t.Fatal(err)
	}
	perr := p.Poll(t.Context())
	var api smithy.APIError
	if !errors.As(perr, &api) || api.ErrorCode() != "AccessDenied" {
		t.Fatalf("Poll = %v, want the AccessDenied API error", perr)
	}
	st := p.State()
	if st.Status != AccessDenied || st.Code != "AccessDenied" || !strings.Contains(st.Err, msg) ||
		st.Since.IsZero() || !st.LastSuccess.IsZero() || st.Failures != 1 {
		t.Errorf("state %+v, want AccessDenied with the message", st)
	}
	if st.Status.String() != "AccessDenied" {
		t.Errorf("String() = %q", st.Status)
	}
	if s := p.Snapshot(); s.State.Status != AccessDenied || len(s.Latest) != 0 {
		t.Errorf("snapshot %+v", s)
	}
}

// Nothing listening: Unavailable, with the transport's message.
func TestPollerUnavailableWhenUnreachable(t *testing.T) {
	leakCheck(t)
	p, err := NewPoller(sdktest.CloudWatch(closedURL(t), 1, nil), nil, Config{StreamName: "s", ShardLevel: ShardLevelOff})
	if err != nil {
		t.Fatal(err)
	}
	if p.Poll(t.Context()) == nil {
		t.Fatal("Poll succeeded against a closed port")
	}
	st := p.State()
	if st.Status != Unavailable || !strings.Contains(st.Err, "connection refused") || st.Code != "" {
		t.Errorf("state %+v, want Unavailable with connection refused", st)
	}
}

// One failure after a success is Degraded (the data is kept), three in a row Unavailable, and
// the next success OK again; a failed enhanced-monitoring check alone is Degraded.
func TestPollerDegradedUnavailableRecovered(t *testing.T) {
	e := newEnv(t, 1)
	e.put(t, 10, 10, "")
	e.clock.Advance(time.Second)
	cw := &countingClient{Client: e.cw}
	p := e.poller(t, cw, ShardLevelOff)
	step := func(fail bool, want Status) State {
		t.Helper()
		e.clock.Advance(time.Second)
		if fail {
			cw.failWith(&smithy.GenericAPIError{Code: "InternalServiceError", Message: "try later", Fault: smithy.FaultServer})
		} else {
			cw.failWith(nil)
		}
		_ = p.Poll(e.ctx)
		st := p.State()
		if st.Status != want {
			t.Fatalf("after a poll that failed=%v: state %+v, want %v", fail, st, want)
		}
		return st
	}
	ok := step(false, OK)
	d := step(true, Degraded)
	if d.Code != "InternalServiceError" || !strings.Contains(d.Err, "try later") || !d.LastSuccess.Equal(ok.LastSuccess) {
		t.Errorf("degraded state %+v", d)
	}
	if _, has := p.Latest(Metric{Name: "IncomingRecords", Stat: Sum}); !has {
		t.Error("data lost on a failed poll")
	}
	step(true, Degraded)
	u := step(true, Unavailable)
	if u.Failures != 3 {
		t.Errorf("failures %d", u.Failures)
	}
	r := step(false, OK)
	if r.Err != "" || r.Failures != 0 || !r.Since.Equal(e.clock.Now()) {
		t.Errorf("recovered state %+v", r)
	}

	// Auto mode whose DescribeStreamSummary is denied: stream-level data flows, state Degraded.
	denied := describerFunc(func() error {
		return &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: kinesis:DescribeStreamSummary"}
	})
	pa, err := NewPoller(e.cw, denied, Config{StreamName: "s", Period: time.Second, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if pa.Poll(e.ctx) == nil {
		t.Error("Poll hid the failed enhanced-monitoring check")
	}
	if st := pa.State(); st.Status != Degraded || !strings.Contains(st.Err, "kinesis:DescribeStreamSummary") {
		t.Errorf("state %+v, want Degraded naming the check", st)
	}
	if _, has := pa.Latest(Metric{Name: "IncomingRecords", Stat: Sum}); !has {
		t.Error("no stream-level data")
	}
}

type describerFunc func() error

func (f describerFunc) DescribeStreamSummary(_ context.Context, _ *kinesis.DescribeStreamSummaryInput, _ ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error) {
	return nil, f()
}

// Start polls in the background; Stop ends it and leaves no goroutine (leakCheck). Failures
// back off and say when the next attempt is.
func TestPollerStartStop(t *testing.T) {
	e := newEnv(t, 1)
	p, err := NewPoller(e.cw, e.kin, Config{StreamName: "s", Period: time.Second, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(e.ctx); err == nil {
		t.Error("second Start: want an error")
	}
	waitFor(t, "a successful background poll", func() bool { return p.State().Status == OK })
	p.Stop()
	p.Stop()

	down, err := NewPoller(sdktest.CloudWatch(closedURL(t), 1, nil), nil, Config{
		StreamName: "s", Period: time.Second, Interval: 5 * time.Millisecond, BackoffMax: 40 * time.Millisecond, ShardLevel: ShardLevelOff})
	if err != nil {
		t.Fatal(err)
	}
	if err := down.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three failed polls", func() bool { return down.State().Failures >= 3 })
	st := down.State()
	down.Stop()
	if st.Status != Unavailable || st.NextAttempt.IsZero() {
		t.Errorf("state %+v, want Unavailable with a next attempt", st)
	}
}
