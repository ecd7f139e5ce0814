package kpl

import (
	"bytes"
	"encoding/hex"
	"errors"
	"runtime"
	"testing"
)

// FuzzDeaggregate feeds Deaggregate arbitrary bytes twice: as they are (almost never an
// aggregate) and framed with the magic and a correct MD5, so the fuzzer reaches the protobuf
// parser. Deaggregate must not panic, must answer consistently with IsAggregated, must not
// allocate more than a small multiple of its input, and whatever it accepts must survive a
// re-encode.
func FuzzDeaggregate(f *testing.F) {
	golden, _ := hex.DecodeString(goldenHex)
	f.Add(golden)
	f.Add(golden[MagicLen : len(golden)-ChecksumLen]) // the golden protobuf, framed by wrap
	f.Add([]byte{})
	f.Add([]byte{0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})                   // a 4 GiB length
	f.Add([]byte{0x1A, 0x04, 0x08, 0x00, 0x1A, 0x00, 0x0A, 0x01, 0x61}) // records first
	f.Add([]byte{0x1A, 0x04, 0x08, 0x05, 0x1A, 0x00})                   // index out of range
	f.Add(bytes.Repeat([]byte{0x1A, 0x00}, 64))
	var a Aggregator
	for _, r := range goldenRecords {
		a.Add(r)
	}
	a.Add(Record{PartitionKey: "x", ExplicitHashKey: "2", Data: bytes.Repeat([]byte{1}, 200)})
	f.Add(a.Encode(nil))

	f.Fuzz(func(t *testing.T, data []byte) {
		checkDeaggregate(t, data)

		framed := wrap(data)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		checkDeaggregate(t, framed)
		runtime.ReadMemStats(&after)
		// The decoder's own bound is about 10 bytes per input byte (a record header per 6
		// bytes, a key's string header per 2); the re-encode check below adds its copy.
		if used, limit := after.TotalAlloc-before.TotalAlloc, uint64(32*len(framed)+64<<10); used > limit {
			t.Fatalf("%d input bytes made %d bytes of allocations (limit %d)", len(framed), used, limit)
		}
	})
}

func checkDeaggregate(t *testing.T, data []byte) {
	recs, aggregated, err := Deaggregate(data)
	if aggregated != IsAggregated(data) {
		t.Fatalf("Deaggregate says aggregated=%v, IsAggregated says %v", aggregated, IsAggregated(data))
	}
	switch {
	case !aggregated && (recs != nil || err != nil):
		t.Fatalf("not aggregated, yet %d records and err %v", len(recs), err)
	case err != nil && (recs != nil || !errors.Is(err, ErrMalformed)):
		t.Fatalf("error %v (matching ErrMalformed: %v) with %d records", err, errors.Is(err, ErrMalformed), len(recs))
	case !aggregated || err != nil || len(recs) == 0:
		return
	}
	var a Aggregator
	for _, r := range recs {
		a.Add(r)
	}
	again, aggregated, err := Deaggregate(a.Encode(nil))
	if !aggregated || err != nil {
		t.Fatalf("re-encoded records do not decode: aggregated %v, err %v", aggregated, err)
	}
	assertRecordsEqual(t, again, recs)
}
