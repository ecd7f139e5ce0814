package advisor

import (
	"fmt"

	"github.com/shardstorm/shardstorm/metrics"
)

const notFound = "ResourceNotFoundException"

// streamGone: writes answered with ResourceNotFoundException. The stream was there when the run
// started (the producer lists its shards first), so it was deleted, or the endpoint restarted
// without it: every record sent from now on fails, and the run with it.
func streamGone(w *window, in *Input) []metrics.Finding {
	rate := w.errorRate(notFound)
	if !w.enough() || !(rate > 0) {
		return nil
	}
	put := nanTo(w.latest().stream.Get(metrics.UserRecordsPut), 0) // now, not the window's mean of before and after

	f := metrics.Finding{
		Rule: "stream-deleted", Severity: Critical, Title: "Stream deleted: writes refused with ResourceNotFoundException",
		Summary: fmt.Sprintf("%s write attempts/s refused with ResourceNotFoundException, %s records/s delivered now: the stream no longer exists — deleted, or the endpoint restarted without it",
			count(rate), count(put)),
		Evidence: map[string]any{"resource_not_found_per_sec": round3(rate), "delivered_records_per_sec": round3(put)},
		Advice:   "Records sent to a missing stream fail at once and are not retried: the run fails. Find who deleted the stream (CloudTrail's DeleteStream events on AWS), recreate it (or run with --create-stream) and run again.",
	}
	if msg := in.LastErrors[notFound]; msg != "" {
		f.Evidence["last_error"] = msg
	}
	return []metrics.Finding{f}
}

// writing says whether the stream answered any write in the window, accepting or throttling
// records. Rules about load on the shards judge what the stream does with the writes: with
// none answered (the stream gone, every request hanging or refused) their findings would be
// about the workload's intent alone, and a "hot partition key" stayed active while nothing was
// written.
func (w *window) writing() bool {
	return nanTo(w.max(metrics.UserRecordsPut), 0) > 0 || nanTo(w.max(metrics.ThrottledRecords), 0) > 0
}
