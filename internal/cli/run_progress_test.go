package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// A progress line says nothing of failures while there are none; once records have failed it
// shows them so far by what they mean for the stream, and the possible duplicates.
func TestProgressLineShowsFailedCategories(t *testing.T) {
	snap := &metrics.Snapshot{Stream: metrics.NewValues()}
	snap.Stream.Set(metrics.UserRecordsPut, 980)
	snap.Stream.Set(metrics.PendingRecords, 12)
	snap.Totals.Outcomes = metrics.Outcomes{Acknowledged: 5000}
	clean := progressLine(3*time.Second, snap)
	if !strings.Contains(clean, "put 980/s") || !strings.Contains(clean, "pending 12") ||
		strings.Contains(clean, "failed") || strings.Contains(clean, "duplicates") {
		t.Errorf("a line with nothing failed: %q", clean)
	}
	snap.Totals.Outcomes = metrics.Outcomes{Acknowledged: 5000, MaybeStored: 100, NotStored: 20, PossibleDuplicates: 7}
	got := progressLine(4*time.Second, snap)
	for _, want := range []string{"failed 120: maybe stored 100, not stored 20, never sent 0", "possible duplicates 7"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress line %q lacks %q", got, want)
		}
	}
}
