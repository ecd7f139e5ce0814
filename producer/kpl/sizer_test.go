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

// TestAppendPlacedIsTheEncoding: an aggregate encoded from the placements a Sizer gave (as the
// producer encodes at send time) is byte for byte what an Aggregator fed the same records
// encodes, with the size the Sizer predicted — Place then AddPlaced counting exactly as Add does.
// The caller's key hashes (PlaceHashed) may collide, as far as every key hashing alike: the
// key tables still tell keys apart.
func TestAppendPlacedIsTheEncoding(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var sz Sizer
		hashes := rapid.SampledFrom([]string{"own", "by length", "all alike"}).Draw(t, "hashes")
		place := func(r Record) Placement {
			switch hashes {
			case "by length":
				return sz.PlaceHashed(r, uint64(len(r.PartitionKey)))
			case "all alike":
				return sz.PlaceHashed(r, 7)
			}
			return sz.Place(r)
		}
		for _, batch := range rapid.SliceOfN(genRecords(300), 1, 3).Draw(t, "batches") {
			sz.Reset()
			var a Aggregator
			placed := make([]Placement, len(batch))
			for i, r := range batch {
				p := place(r)
				if got, want := sz.Size()+p.Grow(), a.SizeWith(r); got != want {
					t.Fatalf("record %d: Size+Grow %d, Aggregator.SizeWith %d", i, got, want)
				}
				placed[i] = sz.AddPlaced(r, p)
				a.Add(r)
			}
			want := a.Encode(nil)
			records := make([]*Record, len(batch))
			for i := range batch {
				records[i] = &batch[i]
			}
			got := AppendPlaced(make([]byte, 0, sz.Size()), records, placed)
			if string(got) != string(want) || len(got) != sz.Size() {
				t.Fatalf("AppendPlaced: %d bytes %x\nAggregator.Encode: %d bytes %x (Sizer: %d)", len(got), got, len(want), want, sz.Size())
			}
			// The same written after whatever dst held, finished by AppendChecksums (as a request
			// finishes its aggregates): Unfinished gives the record alone, from its magic.
			w := NewPlacedWriter(rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "dst"))
			for i := range records {
				w.PartitionKey(records[i], placed[i])
			}
			for i := range records {
				w.ExplicitHashKey(records[i], placed[i])
			}
			for i := range records {
				w.Record(records[i], placed[i])
			}
			finished := [][]byte{w.Unfinished()}
			AppendChecksums(finished)
			if string(finished[0]) != string(want) {
				t.Fatalf("PlacedWriter after a prefix, finished by AppendChecksums: %x\nAggregator.Encode: %x", finished[0], want)
			}
		}
	})
}
