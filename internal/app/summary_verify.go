package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
)

// writeVerify prints the read-back's section of the summary: every record the run handed to
// the producer, by what the producer said and whether the stream holds it.
func writeVerify(w io.Writer, v *metrics.VerifySummary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\nRead-back (--verify, run %s; every payload starts with a %d-byte envelope, counted in the sizes above):\n", v.RunID, v.EnvelopeBytes)
	fmt.Fprintf(&b, "  records        %d handed to the producer: %d stored once, %d stored more than once (%d extra copies)\n",
		v.Records, v.StoredOnce, v.StoredMoreThanOnce, v.ExtraCopies)
	if v.StoredMoreThanOnce > 0 {
		fmt.Fprintf(&b, "  duplicates     %d after a retry of an unanswered attempt, %d wrong-shard re-sends, %d unexplained\n",
			v.DuplicatesAfterRetry, v.DuplicatesWrongShard, v.DuplicatesUnexplained)
	}
	for _, row := range []struct {
		name, notFoundMeans string
		b                   metrics.VerifyBucket
	}{
		{"acknowledged", "MISSING: data loss", v.Acknowledged},
		{"maybe stored", "", v.MaybeStored},
		{"not stored", "", v.NotStored},
		{"never sent", "", v.NeverSent},
		{"refused", "", v.Refused},
		{"unresolved", "", v.Unresolved},
	} {
		if row.b == (metrics.VerifyBucket{}) && row.name != "acknowledged" {
			continue
		}
		fmt.Fprintf(&b, "  %-14s %d found, %d not found", row.name, row.b.Found, row.b.NotFound)
		if row.notFoundMeans != "" && row.b.NotFound > 0 {
			fmt.Fprintf(&b, " (%s)", row.notFoundMeans)
		}
		b.WriteString("\n")
	}
	if v.OrderViolations > 0 {
		fmt.Fprintf(&b, "  order          %d records stored in a shard after a later record of their partition key (retries reorder)\n", v.OrderViolations)
	}
	if v.KCLDroppedSubRecords > 0 {
		fmt.Fprintf(&b, "  KCL            %d sub-record copies a KCL consumer drops (in aggregates holding a hash key outside the storing shard's range); %d records only there: stored, but a KCL consumer never sees them\n",
			v.KCLDroppedSubRecords, v.KCLDroppedOnly)
	}
	if v.Unknown > 0 {
		fmt.Fprintf(&b, "  unknown        %d records of this run with sequence numbers it never handed out\n", v.Unknown)
	}
	verdict := "the stream holds what the producer said"
	switch {
	case v.Missing > 0 || v.Anomalies > 0:
		verdict = "FAILED"
	case v.KCLDroppedOnly > 0:
		verdict += fmt.Sprintf(", but a KCL consumer would never see %d of those records", v.KCLDroppedOnly)
	}
	fmt.Fprintf(&b, "  verdict        %d missing, %d anomalies, %d unaccounted: %s\n", v.Missing, v.Anomalies, v.Unaccounted, verdict)
	c := v.Cost
	fmt.Fprintf(&b, "  cost           %d shards: %d GetRecords, %d GetShardIterator, %d ListShards calls; %s MiB read; %d throttled; %s s\n",
		c.Shards, c.GetRecordsCalls, c.GetShardIteratorCalls, c.ListShardsCalls, Figure(float64(c.Bytes)/(1<<20)), c.Throttles, Figure(c.Seconds))
	_, err := io.WriteString(w, b.String())
	return err
}
