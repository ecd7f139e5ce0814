package advisor

import (
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/metrics"
)

// Records that expire after requests that timed out are not lost for sure: the finding says
// how many of them the stream may hold, and names the timeouts.
func TestExpiringRecordsAfterTimeoutsAreMaybeStored(t *testing.T) {
	a, f := New(Config{}), newFeed()
	load := []shardFig{{offered: 300, offeredBytes: 300 * 600, put: 200, putBytes: 200 * 600}}
	var found *metrics.Finding
	for range 12 {
		snap := f.next(load, map[metrics.Metric]float64{metrics.Expired: 100, metrics.MaybeStored: 80, metrics.NeverSent: 20, metrics.Retries: 50})
		snap.Stream.Errors = map[string]float64{"Timeout": 40}
		a.Observe(Input{Snapshot: snap})
	}
	for _, fi := range a.History() {
		if fi.Rule == "records-expiring" {
			found = &fi
		}
	}
	if found == nil {
		t.Fatalf("no records-expiring finding: %v", rules(a.History()))
	}
	if !strings.Contains(found.Summary, "80 records/s of the failed were sent and got no answer (Timeout 40/s): the stream may hold them (maybe stored)") ||
		found.Evidence["maybe_stored_per_sec"] != 80.0 {
		t.Errorf("the finding should say the stream may hold them: %s %v", found.Summary, found.Evidence)
	}
}
