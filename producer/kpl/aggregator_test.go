package kpl

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// Small pools make repeated keys likely; the free-form generators bring Unicode, empty and long
// (two-byte length varint) keys, and enough distinct keys for two-byte table indexes.
var (
	keyPool = []string{"a", "b", "user-42", "ключ", "🔑", "日本語のキー", ""}
	ehkPool = []string{"0", "1", "170141183460469231731687303715884105728", "340282366920938463463374607431768211455"}
)

func genPartitionKey() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.SampledFrom(keyPool),
		rapid.StringN(0, 256, -1),
		rapid.StringN(128, 256, -1), // two-byte length varint
		rapid.Map(rapid.Uint32(), func(n uint32) string { return "key-" + strconv.Itoa(int(n)) }),
	)
}

func genExplicitHashKey() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.Just(""),
		rapid.SampledFrom(ehkPool),
		rapid.StringMatching(`0|[1-9][0-9]{0,38}`),
	)
}

// genData is mostly small, sometimes empty or nil, rarely large (three-byte length varints).
func genData() *rapid.Generator[[]byte] {
	return rapid.Custom(func(t *rapid.T) []byte {
		switch rapid.IntRange(0, 19).Draw(t, "kind") {
		case 0:
			return nil
		case 1:
			n := rapid.IntRange(16384, 200_000).Draw(t, "large")
			return bytes.Repeat([]byte{byte(n)}, n)
		default:
			return rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "data")
		}
	})
}

func genRecord() *rapid.Generator[Record] {
	return rapid.Custom(func(t *rapid.T) Record {
		return Record{
			PartitionKey:    genPartitionKey().Draw(t, "pk"),
			ExplicitHashKey: genExplicitHashKey().Draw(t, "ehk"),
			Data:            genData().Draw(t, "data"),
		}
	})
}

// genRecords draws few records or many: rapid favours short slices, and many records are what
// take table indexes past one varint byte.
func genRecords(max int) *rapid.Generator[[]Record] {
	return rapid.Custom(func(t *rapid.T) []Record {
		if max > 10 && rapid.Bool().Draw(t, "many") {
			return rapid.SliceOfN(genRecord(), max/2, max).Draw(t, "records")
		}
		return rapid.SliceOfN(genRecord(), 0, min(max, 10)).Draw(t, "records")
	})
}

// TestAggregateRoundTrip: for any records, SizeWith predicts Size exactly after every Add,
// Encode produces exactly Size bytes, equal to EncodedSize and to a reference encoding, and
// Deaggregate gives back the records in order.
func TestAggregateRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := genRecords(300).Draw(t, "records")
		prefix := rapid.SliceOfN(rapid.Byte(), 0, 8).Draw(t, "prefix")

		var a Aggregator
		want := make([]Record, len(recs))
		for i, r := range recs {
			want[i] = r
			want[i].Data = bytes.Clone(r.Data)
			predicted := a.SizeWith(r)
			a.Add(r)
			if a.Size() != predicted {
				t.Fatalf("record %d: SizeWith said %d, Size after Add is %d", i, predicted, a.Size())
			}
			// Add copies: scribbling on the caller's buffer afterwards must not show.
			for j := range r.Data {
				r.Data[j] ^= 0xFF
			}
		}
		if a.Len() != len(recs) {
			t.Fatalf("Len %d, want %d", a.Len(), len(recs))
		}
		if len(recs) > 0 && a.FirstPartitionKey() != recs[0].PartitionKey {
			t.Fatalf("FirstPartitionKey %q, want %q", a.FirstPartitionKey(), recs[0].PartitionKey)
		}

		out := a.Encode(slices.Clone(prefix))
		if !bytes.Equal(out[:len(prefix)], prefix) {
			t.Fatal("Encode changed the bytes already in dst")
		}
		enc := out[len(prefix):]
		if len(enc) != a.Size() || len(enc) != EncodedSize(want) {
			t.Fatalf("encoded %d bytes, Size %d, EncodedSize %d", len(enc), a.Size(), EncodedSize(want))
		}
		if ref := referenceEncode(want); !bytes.Equal(enc, ref) {
			t.Fatalf("encoding differs from the reference encoding at byte %d", firstDiff(enc, ref))
		}

		got, aggregated, err := Deaggregate(enc)
		if err != nil {
			t.Fatalf("Deaggregate: %v", err)
		}
		if aggregated != (len(recs) > 0) || aggregated != IsAggregated(enc) {
			t.Fatalf("aggregated %v, IsAggregated %v, with %d records", aggregated, IsAggregated(enc), len(recs))
		}
		if aggregated {
			assertRecordsEqual(t, got, want)
		}
	})
}

// TestAggregatorReset: an Aggregator reused after Reset encodes exactly as a fresh one.
func TestAggregatorReset(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var reused Aggregator
		for _, batch := range rapid.SliceOfN(genRecords(50), 1, 4).Draw(t, "batches") {
			reused.Reset()
			var fresh Aggregator
			for _, r := range batch {
				if reused.SizeWith(r) != fresh.SizeWith(r) {
					t.Fatal("SizeWith differs between a reused and a fresh Aggregator")
				}
				reused.Add(r)
				fresh.Add(r)
			}
			if !bytes.Equal(reused.Encode(nil), fresh.Encode(nil)) {
				t.Fatal("a reused Aggregator encodes differently from a fresh one")
			}
			if reused.Len() != len(batch) || reused.Size() != fresh.Size() {
				t.Fatalf("after Reset: Len %d Size %d, want %d and %d", reused.Len(), reused.Size(), len(batch), fresh.Size())
			}
		}
	})
}

// referenceEncode is a second, deliberately naive encoder for the tests: build both tables in
// order of first use, then serialize field by field in number order, as a protobuf library
// would.
func referenceEncode(recs []Record) []byte {
	var pks, ehks []string
	type indexes struct {
		pk, ehk int
		hasEHK  bool
	}
	idx := make([]indexes, len(recs))
	for i, r := range recs {
		if idx[i].pk = slices.Index(pks, r.PartitionKey); idx[i].pk < 0 {
			idx[i].pk, pks = len(pks), append(pks, r.PartitionKey)
		}
		if r.ExplicitHashKey != "" {
			idx[i].hasEHK = true
			if idx[i].ehk = slices.Index(ehks, r.ExplicitHashKey); idx[i].ehk < 0 {
				idx[i].ehk, ehks = len(ehks), append(ehks, r.ExplicitHashKey)
			}
		}
	}
	bytesField := func(b []byte, num int, v []byte) []byte {
		b = binary.AppendUvarint(b, uint64(num<<3|2))
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	varintField := func(b []byte, num int, v int) []byte {
		b = binary.AppendUvarint(b, uint64(num<<3))
		return binary.AppendUvarint(b, uint64(v))
	}
	var pb []byte
	for _, k := range pks {
		pb = bytesField(pb, 1, []byte(k))
	}
	for _, k := range ehks {
		pb = bytesField(pb, 2, []byte(k))
	}
	for i, r := range recs {
		msg := varintField(nil, 1, idx[i].pk)
		if idx[i].hasEHK {
			msg = varintField(msg, 2, idx[i].ehk)
		}
		msg = bytesField(msg, 3, r.Data)
		pb = bytesField(pb, 3, msg)
	}
	return wrap(pb)
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
