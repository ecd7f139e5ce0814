package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/internal/cli"
	"github.com/shardstorm/shardstorm/metrics"
)

// The advisor's diagnoses, each in the situation a scenario stages: the real run (workload,
// producer, SDK client over HTTP, embedded emulator with its limits, sampler, advisor), started
// as `shardstorm run --scenario NAME` would start it. Each finding must appear within 10 s of
// the start with the right shard, key or API named.

const findingWithin = 10 * time.Second

// startScenario starts a run as `shardstorm run` parses args (CloudWatch off: not needed here).
func startScenario(t *testing.T, args ...string) *app.Run {
	t.Helper()
	opts, err := cli.RunOptions(append([]string{"--no-cloudwatch"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	run, err := app.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = run.Stop(ctx, nil) // a drain cut short by the timeout is expected here
	})
	return run
}

// waitFinding waits for an active finding of rule that match accepts, failing after within.
func waitFinding(t *testing.T, run *app.Run, rule string, within time.Duration, match func(metrics.Finding) error) metrics.Finding {
	t.Helper()
	deadline := time.Now().Add(within)
	var last []string
	for time.Now().Before(deadline) {
		last = last[:0]
		for _, f := range run.Findings() {
			if f.Rule != rule {
				last = append(last, f.Rule)
				continue
			}
			err := match(f)
			if err == nil {
				return f
			}
			last = append(last, fmt.Sprintf("%s (%v)", f.Rule, err))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s finding within %v; active: %v", rule, within, last)
	return metrics.Finding{}
}

// has checks that s contains every part.
func has(s string, parts ...string) error {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return fmt.Errorf("%q lacks %q", s, p)
		}
	}
	return nil
}

func TestAdvisorStreamCapacity(t *testing.T) {
	run := startScenario(t, "--scenario", "under-provisioned")
	f := waitFinding(t, run, "stream-capacity", findingWithin, func(f metrics.Finding) error {
		// 12,000 records/s of 500 bytes + a 36-byte key ≈ 6.1 MiB/s: 7 shards (⌈6.1⌉).
		need, _ := f.Evidence["shards_needed"].(int)
		if need < 6 || need > 7 {
			return fmt.Errorf("shards needed %d, want 6 or 7 for ~6.1 MiB/s", need)
		}
		return has(f.Advice, fmt.Sprintf("UpdateShardCount to %d", need), "on-demand")
	})
	if f.Severity != "critical" {
		t.Errorf("severity %s", f.Severity)
	}
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorHotKeyNamedAndClearedBySpreadingKeys(t *testing.T) {
	run := startScenario(t, "--scenario", "hot-key")
	hotShard := ""
	f := waitFinding(t, run, "hot-shard", findingWithin, func(f metrics.Finding) error {
		if f.Key != "hot" {
			return fmt.Errorf("key %q, want the workload's hot key", f.Key)
		}
		hotShard = f.ShardID
		return has(f.Summary, `key "hot" sends`, f.ShardID)
	})
	// The key's shard is where the producer routed it: the hot-key tracker agrees.
	if dom, ok := run.HotKeys().Dominant(hotShard); !ok || dom.Key != "hot" {
		t.Errorf("finding names %s, whose dominant key is %+v", hotShard, dom)
	}
	if err := has(f.Advice, "more shards will not cool it", "hot#0"); err != nil {
		t.Error(err)
	}
	t.Log(f.Summary, "\n", f.Advice)

	// `k` in the dashboard: the next key strategy spreads the keys; the finding clears.
	if keys, err := run.CycleKeys(); err != nil || strings.HasPrefix(keys, "hot") {
		t.Fatalf("k switched keys to %q, %v", keys, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && hasRule(run.Findings(), "hot-shard") {
		time.Sleep(100 * time.Millisecond)
	}
	if hasRule(run.Findings(), "hot-shard") {
		t.Fatalf("hot-shard finding still active 15 s after spreading the keys: %+v", run.Findings())
	}
	hist := run.FindingsHistory()
	if !hasRule(hist, "hot-shard") {
		t.Error("the report's history lost the cleared finding")
	}
}

func hasRule(fs []metrics.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func TestAdvisorRecordBound(t *testing.T) {
	run := startScenario(t, "--scenario", "small-records-without-aggregation")
	f := waitFinding(t, run, "record-bound", findingWithin, func(f metrics.Finding) error {
		// 8,000 records/s asked of 4 shards: 4,000/s at most unaggregated; aggregated, all of it.
		gain, _ := f.Evidence["expected_gain"].(float64)
		expected, _ := f.Evidence["expected_records_per_sec"].(float64)
		if gain < 1.2 || expected < 7500 {
			return fmt.Errorf("expected %.0f records/s (×%.2f): aggregation should deliver the 8,000/s asked", expected, gain)
		}
		return has(f.Advice, "Enable aggregation")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorControlPlaneThrottling(t *testing.T) {
	run := startScenario(t, "--scenario", "api-throttling")
	f := waitFinding(t, run, "api-throttling", findingWithin, func(f metrics.Finding) error {
		if f.API != "DescribeStream" {
			return fmt.Errorf("API %q", f.API)
		}
		return has(f.Summary, "limit 10/s per account", "DescribeStream poller")
	})
	if err := has(f.Advice, "DescribeStreamSummary", "ListShards"); err != nil {
		t.Error(err)
	}
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorProducerLatencyBound(t *testing.T) {
	run := startScenario(t, "--scenario", "latency-bound")
	f := waitFinding(t, run, "producer-bound", findingWithin, func(f metrics.Finding) error {
		need, _ := f.Evidence["connections_needed"].(int)
		if need < 2 {
			return fmt.Errorf("connections needed %d", need)
		}
		return has(f.Advice, fmt.Sprintf("raise MaxConnections to %d (now 1)", need), "PutRecords")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorRecordsExpiring(t *testing.T) {
	run := startScenario(t, "--scenario", "records-expiring")
	f := waitFinding(t, run, "records-expiring", findingWithin, func(f metrics.Finding) error {
		return has(f.Summary+f.Advice, "RecordTtl 2s", "Raise RecordTtl to 30s")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorKMSAccessDenied(t *testing.T) {
	run := startScenario(t, "--scenario", "kms-denied")
	f := waitFinding(t, run, "kms-access-denied", findingWithin, func(f metrics.Finding) error {
		return has(f.Advice, "kms:GenerateDataKey on arn:aws:kms:", "alias/shardstorm-demo", "role/shardstorm-producer", "key policy", "IAM policy")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorRateLimitTooLow(t *testing.T) {
	run := startScenario(t, "--scenario", "rate-limit-too-low")
	f := waitFinding(t, run, "rate-limit-too-low", findingWithin, func(f metrics.Finding) error {
		return has(f.Advice, "Raise RateLimit to 150", "now 30")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

func TestAdvisorWorkloadBehind(t *testing.T) {
	run := startScenario(t, "--scenario", "workload-behind")
	f := waitFinding(t, run, "workload-behind", findingWithin, func(f metrics.Finding) error {
		return has(f.Summary, "the workload asks 10,000,000 records/s")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

// A healthy run at half the stream's capacity — spread keys, 2 MiB/s on 4 shards — raises no
// warning at all over 12 s.
func TestAdvisorQuietOnAHealthyRun(t *testing.T) {
	run := startScenario(t, "--keys", "random", "--rate", "2000", "--record-size", "1000", "--shards", "4")
	time.Sleep(12 * time.Second)
	snap := run.Store().Latest()
	if got := snap.Stream.Get(metrics.PutBytesPct); got < 35 || got > 65 {
		t.Fatalf("the run is at %.0f%% of byte capacity, not about 50%%", got)
	}
	for _, f := range run.FindingsHistory() {
		if f.Severity != "info" {
			t.Errorf("healthy run raised %s %s: %s", f.Severity, f.Rule, f.Summary)
		}
	}
}
