package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/internal/cli"
	"github.com/shardstorm/shardstorm/internal/eventually"
	"github.com/shardstorm/shardstorm/metrics"
)

// The advisor's diagnoses, each in the situation a scenario stages: the real run (workload,
// producer, SDK client, embedded emulator with its limits, sampler, advisor), started as
// `shardstorm run --scenario NAME` would start it. Each finding must appear within 10 s of the
// start with the right shard, key or API named.
//
// Each test runs in a testing/synctest bubble, the SDK reaching the emulator in process
// (app.Options.InProcess): the 10 s are virtual, so the figures are the same on a busy machine
// as on a quiet one, and the wait costs only the CPU time the load needs.

const findingWithin = 10 * time.Second

// startScenario starts a run as `shardstorm run` parses args (CloudWatch off: not needed here),
// with the emulator in process: call it inside a synctest bubble.
func startScenario(t *testing.T, args ...string) *app.Run {
	t.Helper()
	return startScenarioRun(t, true, args...)
}

// startScenarioRun is startScenario with the emulator in process or on a loopback socket.
func startScenarioRun(t *testing.T, inProcess bool, args ...string) *app.Run {
	t.Helper()
	opts, err := cli.RunOptions(append([]string{"--no-cloudwatch"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	opts.InProcess = inProcess
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
	var found metrics.Finding
	took := eventually.Nil(t, within, "a "+rule+" finding", func() error {
		var active []string
		for _, f := range run.Findings() {
			if f.Rule != rule {
				active = append(active, f.Rule)
				continue
			}
			err := match(f)
			if err == nil {
				found = f
				return nil
			}
			active = append(active, fmt.Sprintf("%s (%v)", f.Rule, err))
		}
		return fmt.Errorf("active: %v", active)
	})
	t.Logf("%s after %v", rule, took)
	return found
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
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "under-provisioned")
		f := waitFinding(t, run, "stream-capacity", findingWithin, func(f metrics.Finding) error {
			// 12,000 records/s of 500 bytes + a 36-byte key ≈ 6.1 MiB/s: 7 shards (⌈6.1⌉).
			// On virtual time the peak is measured exactly, so exactly 7.
			need, _ := f.Evidence["shards_needed"].(int)
			if need != 7 {
				return fmt.Errorf("shards needed %d, want 7 for ~6.1 MiB/s", need)
			}
			return has(f.Advice, fmt.Sprintf("UpdateShardCount to %d", need), "on-demand")
		})
		if f.Severity != "critical" {
			t.Errorf("severity %s", f.Severity)
		}
		t.Log(f.Summary, "\n", f.Advice)
	})
}

func TestAdvisorHotKeyNamedAndClearedBySpreadingKeys(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
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
		eventually.Nil(t, 15*time.Second, "the hot-shard finding to clear after spreading the keys", func() error {
			if hasRule(run.Findings(), "hot-shard") {
				return fmt.Errorf("still active: %+v", run.Findings())
			}
			return nil
		})
		hist := run.FindingsHistory()
		if !hasRule(hist, "hot-shard") {
			t.Error("the report's history lost the cleared finding")
		}
	})
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
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
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
	})
}

func TestAdvisorControlPlaneThrottling(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
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
	})
}

func TestAdvisorProducerLatencyBound(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "latency-bound")
		f := waitFinding(t, run, "producer-bound", findingWithin, func(f metrics.Finding) error {
			need, _ := f.Evidence["connections_needed"].(int)
			if need < 2 {
				return fmt.Errorf("connections needed %d", need)
			}
			return has(f.Advice, fmt.Sprintf("raise MaxConnections to %d (now 1)", need), "PutRecords")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

func TestAdvisorRecordsExpiring(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "records-expiring")
		f := waitFinding(t, run, "records-expiring", findingWithin, func(f metrics.Finding) error {
			return has(f.Summary+f.Advice, "RecordTtl 2s", "Raise RecordTtl to 30s")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

func TestAdvisorKMSAccessDenied(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "kms-denied")
		f := waitFinding(t, run, "kms-access-denied", findingWithin, func(f metrics.Finding) error {
			return has(f.Advice, "kms:GenerateDataKey on arn:aws:kms:", "alias/shardstorm-demo", "role/shardstorm-producer", "key policy", "IAM policy")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

func TestAdvisorRateLimitTooLow(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--scenario", "rate-limit-too-low")
		f := waitFinding(t, run, "rate-limit-too-low", findingWithin, func(f metrics.Finding) error {
			return has(f.Advice, "Raise RateLimit to 150", "now 30")
		})
		t.Log(f.Summary, "\n", f.Advice)
	})
}

// The one scenario on real time: a generator that cannot keep its schedule is a story about CPU,
// and in a bubble CPU work takes no virtual time, so the generator would keep any schedule. No
// machine keeps 10 million records/s (a busier one falls further behind), so the finding is an
// outcome, not a throughput figure; the deadline is generous for a loaded machine.
func TestAdvisorWorkloadBehind(t *testing.T) {
	run := startScenarioRun(t, false, "--scenario", "workload-behind")
	f := waitFinding(t, run, "workload-behind", 3*findingWithin, func(f metrics.Finding) error {
		return has(f.Summary, "the workload asks 10,000,000 records/s")
	})
	t.Log(f.Summary, "\n", f.Advice)
}

// A healthy run at half the stream's capacity — spread keys, 2 MB/s on 4 shards — raises no
// warning at all over 12 s.
func TestAdvisorQuietOnAHealthyRun(t *testing.T) {
	t.Parallel() // on virtual time: the other tests' load cannot slow this one's clock
	synctest.Test(t, func(t *testing.T) {
		run := startScenario(t, "--keys", "random", "--rate", "2000", "--record-size", "1000", "--shards", "4")
		time.Sleep(12 * time.Second) // 12 s of load on the virtual clock, not a wait for something
		snap := run.Store().Latest()
		if got := snap.Stream.Get(metrics.PutBytesPct); got < 35 || got > 65 {
			t.Fatalf("the run is at %.0f%% of byte capacity, not about 50%%", got)
		}
		// One 250 ms sample holds whole aggregated requests, so it swings by ±15%; over the last
		// 10 s the rate is 2,000 records/s of 1,000 bytes with their 36-byte keys and the
		// aggregation's framing (~1,048 bytes each): 50.0% of 4 MiB/s, the same on any machine
		// now that time is virtual.
		pts := run.Store().Series("put_bytes_pct", "", time.Now().Add(-10*time.Second))
		sum := 0.0
		for _, p := range pts {
			sum += p.V
		}
		if mean := sum / float64(len(pts)); len(pts) < 39 || mean < 49.5 || mean > 50.5 {
			t.Fatalf("over the last 10 s (%d samples) the run is at %.2f%% of byte capacity, want 50.0%% ± 0.5", len(pts), mean)
		} else {
			t.Logf("%.2f%% of byte capacity over %d samples", mean, len(pts))
		}
		for _, f := range run.FindingsHistory() {
			if f.Severity != "info" {
				t.Errorf("healthy run raised %s %s: %s", f.Severity, f.Rule, f.Summary)
			}
		}
	})
}
