package kpl

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// goldenRecords and goldenHex pin the encoding. The protobuf bytes, worked out by hand:
//
//	0A 01 61                 partition_key_table "a"      (field 1, wire type 2: tag 1<<3|2)
//	0A 01 62                 partition_key_table "b"
//	12 01 31                 explicit_hash_key_table "1"  (field 2: tag 2<<3|2)
//	1A 06                    records, 6 bytes              (field 3: tag 3<<3|2)
//	   08 00                   partition_key_index 0       (field 1, varint: tag 1<<3|0)
//	   1A 02 68 69             data "hi"                   (field 3, bytes)
//	1A 06                    records, 6 bytes
//	   08 01                   partition_key_index 1
//	   10 00                   explicit_hash_key_index 0   (field 2, varint: tag 2<<3|0)
//	   1A 00                   data "" (required: written even when empty)
//	1A 05                    records, 5 bytes
//	   08 00                   partition_key_index 0 ("a" again: not re-added to the table)
//	   1A 01 78                data "x"
//
// 32 bytes, whose MD5 (python3 hashlib, independent of this package) is
// adcc031fb0858b82f98b39b1a3c64caf. The aggregate is the magic, those bytes, that MD5.
var goldenRecords = []Record{
	{PartitionKey: "a", Data: []byte("hi")},
	{PartitionKey: "b", ExplicitHashKey: "1", Data: []byte{}},
	{PartitionKey: "a", Data: []byte("x")},
}

const goldenHex = "f3899ac2" +
	"0a0161" + "0a0162" + "120131" +
	"1a0608001a026869" + "1a06080110001a00" + "1a0508001a0178" +
	"adcc031fb0858b82f98b39b1a3c64caf"

func TestEncodeGolden(t *testing.T) {
	var a Aggregator
	for _, r := range goldenRecords {
		a.Add(r)
	}
	got := hex.EncodeToString(a.Encode(nil))
	if got != goldenHex {
		t.Fatalf("encoding\n got %s\nwant %s", got, goldenHex)
	}
	if a.Size() != len(goldenHex)/2 || EncodedSize(goldenRecords) != len(goldenHex)/2 {
		t.Fatalf("Size %d, EncodedSize %d, want %d", a.Size(), EncodedSize(goldenRecords), len(goldenHex)/2)
	}
	if a.FirstPartitionKey() != "a" || a.Len() != 3 {
		t.Fatalf("FirstPartitionKey %q, Len %d", a.FirstPartitionKey(), a.Len())
	}
}

func TestDecodeGolden(t *testing.T) {
	data, _ := hex.DecodeString(goldenHex)
	got, aggregated, err := Deaggregate(data)
	if err != nil || !aggregated {
		t.Fatalf("Deaggregate: aggregated %v, err %v", aggregated, err)
	}
	assertRecordsEqual(t, got, goldenRecords)
}

// TestEncodeMultiByteVarints pins the two-byte cases: a 300-byte datum (length AC 02), a
// 200-byte key (length C8 01), and index 128 (80 01) once 129 keys are in the table.
func TestEncodeMultiByteVarints(t *testing.T) {
	var a Aggregator
	for i := range 128 {
		a.Add(Record{PartitionKey: string(rune('A' + i))})
	}
	long := strings.Repeat("k", 200)
	data := bytes.Repeat([]byte{7}, 300)
	before := len(a.records)
	a.Add(Record{PartitionKey: long, Data: data})

	// The record body: 08 80 01 (index 128), 1A AC 02 (300 bytes) + data = 3+3+300 = 306
	// bytes, so the entry starts 1A B2 02.
	wantEntry := append([]byte{0x1A, 0xB2, 0x02, 0x08, 0x80, 0x01, 0x1A, 0xAC, 0x02}, data...)
	if got := a.records[before:]; !bytes.Equal(got, wantEntry) {
		t.Fatalf("record entry\n got % x\nwant % x", got[:12], wantEntry[:12])
	}
	wantKey := append([]byte{0x0A, 0xC8, 0x01}, long...)
	if !bytes.HasSuffix(a.pkTable, wantKey) {
		t.Fatalf("table entry for a 200-byte key: got suffix % x", a.pkTable[len(a.pkTable)-len(wantKey):][:4])
	}
}

func TestEmptyAggregate(t *testing.T) {
	var a Aggregator
	enc := a.Encode(nil)
	sum := md5.Sum(nil)
	want := append(magic[:], sum[:]...)
	if !bytes.Equal(enc, want) || a.Size() != MagicLen+ChecksumLen || EncodedSize(nil) != a.Size() {
		t.Fatalf("empty aggregate: % x (Size %d)", enc, a.Size())
	}
	// Like the KCL, 20 bytes are too short to be an aggregate: it would reach consumers raw.
	if IsAggregated(enc) {
		t.Fatal("an empty aggregate must not count as aggregated")
	}
}

func TestVarintLen(t *testing.T) {
	var buf [binary.MaxVarintLen64]byte
	for _, v := range []uint64{0, 1, 127, 128, 16383, 16384, 1<<21 - 1, 1 << 21, 1<<63 - 1, 1 << 63, ^uint64(0)} {
		if got, want := varintLen(v), binary.PutUvarint(buf[:], v); got != want {
			t.Errorf("varintLen(%d) = %d, want %d", v, got, want)
		}
		if got := appendVarint(nil, v); !bytes.Equal(got, binary.AppendUvarint(nil, v)) {
			t.Errorf("appendVarint(%d) = % x", v, got)
		}
	}
}

// fataler is what assertRecordsEqual needs of *testing.T and *rapid.T alike.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

func assertRecordsEqual(t fataler, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.PartitionKey != w.PartitionKey || g.ExplicitHashKey != w.ExplicitHashKey || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("record %d: got {%q %q %d bytes}, want {%q %q %d bytes}", i,
				g.PartitionKey, g.ExplicitHashKey, len(g.Data), w.PartitionKey, w.ExplicitHashKey, len(w.Data))
		}
	}
}

// wrap frames a protobuf body as an aggregated record with a valid checksum, so tests can feed
// the decoder any protobuf they like.
func wrap(pb []byte) []byte {
	sum := md5.Sum(pb)
	out := append(magic[:], pb...)
	return append(out, sum[:]...)
}

// TestRecordEntryAtVarintEdges: a records entry is its fields written one by one with
// binary.AppendUvarint, for key indices, data lengths and bodies on either side of the one- and
// two-byte varint edges (appendRecordEntry writes the common ones' heads at once).
func TestRecordEntryAtVarintEdges(t *testing.T) {
	reference := func(pk, ehk uint64, hasEHK bool, data []byte) []byte {
		var body []byte
		body = append(body, tagPartitionKeyIndex)
		body = binary.AppendUvarint(body, pk)
		if hasEHK {
			body = append(body, tagExplicitHashKeyIndex)
			body = binary.AppendUvarint(body, ehk)
		}
		body = append(body, tagData)
		body = binary.AppendUvarint(body, uint64(len(data)))
		body = append(body, data...)
		out := append([]byte{tagRecords}, binary.AppendUvarint(nil, uint64(len(body)))...)
		return append(out, body...)
	}
	indices := []uint64{0, 1, 127, 128, 129, 1<<14 - 1, 1 << 14, 1<<21 + 5}
	lengths := []int{0, 1, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 16370, 16371, 16372, 16373, 16374, 16375, 16376, 16377, 16378, 16379, 16380, 16383, 16384, 16385, 20000}
	for _, pk := range indices {
		for _, n := range lengths {
			data := bytes.Repeat([]byte{byte(n)}, n)
			for _, hasEHK := range []bool{false, true} {
				want := reference(pk, pk/3, hasEHK, data)
				for _, prefix := range [][]byte{nil, {1, 2, 3}, make([]byte, 5, 5+len(want))} {
					got := appendRecordEntry(bytes.Clone(prefix), pk, pk/3, hasEHK, data)
					if !bytes.Equal(got[:len(prefix)], prefix) || !bytes.Equal(got[len(prefix):], want) {
						t.Fatalf("pk %d, %d bytes, ehk %v: got % x…, want % x…", pk, n, hasEHK, got[len(prefix):min(len(got), len(prefix)+12)], want[:min(len(want), 12)])
					}
					if recordEntryLen(pk, pk/3, hasEHK, n) != len(want) {
						t.Fatalf("pk %d, %d bytes: recordEntryLen %d, entry %d bytes", pk, n, recordEntryLen(pk, pk/3, hasEHK, n), len(want))
					}
				}
			}
		}
	}
}
