package kpl

import (
	"testing"

	"pgregory.net/rapid"
)

// TestSizerAgreesWithTheEncoding: a Sizer fed the same records as an Aggregator (reused across
// Resets, as a producer's shard reuses it) predicts and reaches exactly the size the encoding
// has — the producer sizes aggregates and batches by the Sizer and encodes only at send time,
// so a byte of difference would break the 1 MiB and 5 MiB limits it keeps.
func TestSizerAgreesWithTheEncoding(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var sz Sizer
		for _, batch := range rapid.SliceOfN(genRecords(300), 1, 3).Draw(t, "batches") {
			sz.Reset()
			var a Aggregator
			for i, r := range batch {
				if got, want := sz.SizeWith(r), a.SizeWith(r); got != want {
					t.Fatalf("record %d: Sizer.SizeWith %d, Aggregator.SizeWith %d", i, got, want)
				}
				sz.Add(r)
				a.Add(r)
			}
			enc := a.Encode(nil)
			if sz.Size() != len(enc) || sz.Len() != len(batch) || sz.FirstPartitionKey() != a.FirstPartitionKey() {
				t.Fatalf("Sizer: size %d, %d records, first key %q; encoding: %d bytes, %d records, %q",
					sz.Size(), sz.Len(), sz.FirstPartitionKey(), len(enc), len(batch), a.FirstPartitionKey())
			}
		}
	})
}
