package app

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/metrics"
)

// The small-producer rules that fire on a fleet's shape, end to end: real runs on the emulator
// (in process, virtual time), each beside a control run that differs only in what the finding's
// advice says to change, where the rule must stay silent.

// 50 clients sending each record as it comes (no --client-interval): every PutRecords call
// carries one record, 200 calls/s. Gathering for a second (the advice) makes each call carry
// about 4, and the rule stays silent.
func TestClientsNotBatchingEndToEnd(t *testing.T) {
	run := func(t *testing.T, interval time.Duration) metrics.Summary {
		t.Helper()
		var sum metrics.Summary
		synctest.Test(t, func(t *testing.T) {
			var r *Run
			r, sum = profileRun(t, EngineOptions{Profile: ProfilePutRecords, Clients: 50, ClientInterval: interval}, 2, 200, "200", 10*time.Second, nil)
			accountingExact(t, r, sum)
		})
		return sum
	}
	t.Run("each record its own call", func(t *testing.T) {
		sum := run(t, 0)
		f := findingOf(sum, "clients-not-batching")
		if f == nil {
			t.Fatalf("no clients-not-batching finding: %+v", sum.Findings)
		}
		if perCall, _ := f.Evidence["records_per_call"].(float64); perCall < 1 || perCall >= 1.5 {
			t.Errorf("records per call %v, want about 1", f.Evidence["records_per_call"])
		}
		if !strings.Contains(f.Advice, "--client-interval") || !strings.Contains(f.Advice, "--client-batch") {
			t.Errorf("advice %q names neither --client-interval nor --client-batch", f.Advice)
		}
		t.Log(f.Summary, "\n", f.Advice)
	})
	t.Run("control: gathering for 1s", func(t *testing.T) {
		sum := run(t, time.Second)
		if f := findingOf(sum, "clients-not-batching"); f != nil {
			t.Errorf("clients that gather for a second are told to batch: %s", f.Summary)
		}
	})
}

// One client making one PutRecord call per record from 4 threads, each call taking 50 ms: at
// most 80 records/s of the 300 asked, nothing throttled. Little's law at 50 ms says 18 threads
// (1.2 × 300 × 0.05; 19 when the measured median is a hair over 50 ms); with 32 threads the
// producer keeps up and the rule stays silent.
func TestPutRecordThreadBoundEndToEnd(t *testing.T) {
	run := func(t *testing.T, threads int) metrics.Summary {
		t.Helper()
		var sum metrics.Summary
		synctest.Test(t, func(t *testing.T) {
			var r *Run
			r, sum = profileRun(t, EngineOptions{Profile: ProfilePutRecord}, 1, 300, "100", 10*time.Second, func(o *Options) {
				o.Producer.MaxConnections = threads
				o.Emulator.Faults.Latency = emulator.Latency{Kind: emulator.LatencyFixed, Base: 50 * time.Millisecond}
			})
			accountingExact(t, r, sum)
		})
		return sum
	}
	t.Run("4 threads", func(t *testing.T) {
		sum := run(t, 4)
		f := findingOf(sum, "putrecord-thread-bound")
		if f == nil {
			t.Fatalf("no putrecord-thread-bound finding: %+v", sum.Findings)
		}
		need, _ := f.Evidence["threads_needed"].(int)
		if need != 18 && need != 19 {
			t.Errorf("threads needed %v, want 18 (Little's law: 1.2 × 300/s × 50 ms)", f.Evidence["threads_needed"])
		}
		if !strings.Contains(f.Advice, fmt.Sprintf("run %d threads (--max-connections)", need)) {
			t.Errorf("advice %q", f.Advice)
		}
		if d := sum.Totals.ThrottledRecords; d != 0 {
			t.Errorf("%d records throttled: the bound is the threads, not the shard", d)
		}
		t.Log(f.Summary, "\n", f.Advice)
	})
	t.Run("control: 32 threads", func(t *testing.T) {
		sum := run(t, 32)
		if f := findingOf(sum, "putrecord-thread-bound"); f != nil {
			t.Errorf("a producer with enough threads is told it is thread-bound: %s", f.Summary)
		}
	})
}
