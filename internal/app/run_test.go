package app

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/eventually"
)

// The runs below are whole runs on virtual time: each in a testing/synctest bubble, the SDK
// reaching the embedded emulator in process (Options.InProcess). The bubble also checks for
// leaks: synctest.Test fails if a goroutine the run started is still blocked at the end.

// A whole local run: the embedded emulator, the producer, the workload and the samplers, driven
// through the controls the dashboard's keys call; every record is accounted for at the end.
func TestLocalRunWithControls(t *testing.T) { synctest.Test(t, testLocalRunWithControls) }

func testLocalRunWithControls(t *testing.T) {
	ctx := context.Background()
	spec := DefaultWorkload()
	spec.Rate = 2000
	r, err := Start(ctx, Options{Workload: spec, SampleInterval: 100 * time.Millisecond, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "records put", func() bool { return r.eng.Stats().Stream.UserRecordsPut > 500 })

	if rate, err := r.ScaleRate(1.25); err != nil || rate != 2500 {
		t.Fatalf("ScaleRate: %v %v", rate, err)
	}
	if pct, err := r.AdjustRateLimit(-10); err != nil || pct != 140 || r.eng.(tunable).Config().RateLimit != 140 {
		t.Fatalf("AdjustRateLimit: %v %v", pct, err)
	}
	if k, err := r.CycleKeys(); err != nil || k != "pool:1000" || r.gen.Stats().Keys != "pool:1000" {
		t.Fatalf("CycleKeys: %q %v (generator: %q)", k, err, r.gen.Stats().Keys)
	}
	if f, err := r.AdjustHotFraction(0.2); err != nil || f != 0.2 {
		t.Fatalf("AdjustHotFraction: %v %v", f, err)
	}
	if on, err := r.ToggleAggregation(); err != nil || on || !r.eng.(tunable).Config().DisableAggregation {
		t.Fatalf("ToggleAggregation: %v %v", on, err)
	}
	if on, err := r.ToggleAdaptive(); err != nil || on || !r.eng.(tunable).Config().DisableAdaptive {
		t.Fatalf("ToggleAdaptive: %v %v", on, err)
	}
	if err := r.Set("record-size", "200"); err != nil || r.gen.Stats().Size != "200" {
		t.Fatalf("Set record-size: %v (generator %q)", err, r.gen.Stats().Size)
	}
	if err := r.Set("rate-limit", "abc"); err == nil || !strings.Contains(err.Error(), "rate-limit") {
		t.Fatalf("Set rate-limit abc: %v", err)
	}
	if !r.TogglePause() || !r.gen.Stats().Paused || r.TogglePause() {
		t.Fatal("TogglePause did not pause and resume")
	}
	waitFor(t, "a sample", func() bool { return r.Store().Latest() != nil && r.Store().Len() > 3 })
	msg, err := r.SplitHottest(ctx)
	if err != nil || !strings.HasPrefix(msg, "split shardId-") {
		t.Fatalf("SplitHottest: %q %v", msg, err)
	}
	waitFor(t, "the producer to see the split", func() bool { return len(r.eng.Stats().Shards) == 5 })
	waitFor(t, "the event log to show the split", func() bool {
		for _, e := range r.Events() {
			if strings.Contains(e.Text, "shard map changed: 5 open shards") {
				return true
			}
		}
		return false
	})
	for _, s := range r.Settings() {
		if s.Value == "" {
			t.Fatalf("setting %s has no value", s.Name)
		}
	}

	sum, err := r.Stop(ctx, map[string]any{"test": true})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Accounting.Holds || sum.Accounting.Acknowledged == 0 {
		t.Fatalf("accounting: %+v", sum.Accounting)
	}
	var out strings.Builder
	if err := WriteSummary(&out, sum); err != nil {
		t.Fatal(err)
	}
	// The shard split is whichever was hottest in the latest sample (usually the hot key's, but
	// a 100 ms sample on a loaded machine may say otherwise): it shows closed.
	split := strings.Fields(msg)[1]
	for _, want := range []string{"shardstorm run on shardstorm-demo", "accounting", ": holds", split + " (closed)", "shardId-000000000005"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if sum.Workload == nil || sum.Workload.Keys != "pool:1000" && !strings.HasPrefix(sum.Workload.Keys, "hot:") {
		t.Fatalf("summary workload: %+v", sum.Workload)
	}
}

// A KMS denial reaches the dashboard as the run's error, with the service's message.
func TestKMSDenialShowsAsTheRunError(t *testing.T) { synctest.Test(t, testKMSDenialShowsAsTheRunError) }

func testKMSDenialShowsAsTheRunError(t *testing.T) {
	ctx := context.Background()
	spec := DefaultWorkload()
	spec.Rate = 500
	r, err := Start(ctx, Options{Workload: spec, SampleInterval: 100 * time.Millisecond, NoCloudWatch: true, InProcess: true,
		EncryptStream: "alias/orders", Emulator: emulator.Config{Faults: emulator.Faults{KMSAccessDenied: true}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx, nil)
	waitFor(t, "the KMS error in the header", func() bool { return strings.Contains(r.Info().Err, "KMSAccessDeniedException") })
	if !strings.Contains(r.Info().Err, "kms:GenerateDataKey") {
		t.Fatalf("run error %q lacks the permission", r.Info().Err)
	}
}

// The api-throttling and reshard-under-load stories: a DescribeStream poller over the account's
// limit is refused and says so in the event log; the stream doubles its shards mid-run and the
// producer follows.
func TestPollerAndReshardStories(t *testing.T) { synctest.Test(t, testPollerAndReshardStories) }

func testPollerAndReshardStories(t *testing.T) {
	ctx := context.Background()
	spec := DefaultWorkload()
	spec.Rate = 1000
	r, err := Start(ctx, Options{Workload: spec, NoCloudWatch: true, DescribeStreamPerSec: 30, ReshardAfter: time.Second, InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx, nil)
	waitFor(t, "the producer to follow the reshard to 8 shards", func() bool { return len(r.eng.Stats().Shards) == 8 })
	waitFor(t, "the poller's refusals in the event log", func() bool {
		for _, e := range r.Events() {
			if strings.Contains(e.Text, "calls refused with LimitExceededException") {
				return true
			}
		}
		return false
	})
}

func TestMissingStreamIsAClearError(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, err := Start(context.Background(), Options{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", Stream: "nope", NoCloudWatch: true})
	if err == nil || !strings.Contains(err.Error(), "describe stream nope") {
		t.Fatalf("want an error naming the stream, got %v", err)
	}
}

// waitFor waits up to 15 s of virtual time for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventually.True(t, 15*time.Second, what, cond)
}
