package app

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
)

// A backend that takes an hour to answer: Start gives up on its own after the start-up timeout
// (it waited forever), says what it waits for after a couple of seconds, and fails naming the
// calls and the endpoint. Virtual time, in process.
func TestStartGivesUpOnABackendThatDoesNotAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var status strings.Builder
		opts := Options{InProcess: true, NoCloudWatch: true, Status: &status,
			Emulator: emulator.Config{Faults: emulator.Faults{Latency: emulator.Latency{Kind: emulator.LatencyFixed, Base: time.Hour}}}}
		opts.Producer.RequestTimeout = 2 * time.Second
		start := time.Now()
		r, err := Start(context.Background(), opts)
		took := time.Since(start)
		if err == nil {
			r.Stop(context.Background(), nil)
			t.Fatal("Start succeeded against a backend that never answers")
		}
		if limit := 3 * opts.Producer.RequestTimeout; took > limit+time.Second {
			t.Errorf("Start gave up after %v, want about %v", took, limit)
		}
		for _, want := range []string{"DescribeStreamSummary and ListShards", "http://emulator.in-process", "no answer within 6s"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if got := status.String(); !strings.HasPrefix(got, "waiting for DescribeStreamSummary and ListShards at http://emulator.in-process") {
			t.Errorf("status %q: want what Start waits for", got)
		}
	})
}
