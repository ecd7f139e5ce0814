package kpl

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestDeaggregateNotAggregated(t *testing.T) {
	golden, _ := hex.DecodeString(goldenHex)
	flipped := bytes.Clone(golden)
	flipped[10] ^= 1 // body no longer matches its MD5
	badSum := bytes.Clone(golden)
	badSum[len(badSum)-1] ^= 1
	otherMagic := wrap([]byte{0x0A, 0x01, 0x61, 0x1A, 0x04, 0x08, 0x00, 0x1A, 0x00})
	otherMagic[0] = 0xF2

	for name, data := range map[string][]byte{
		"nil":                    nil,
		"plain text":             []byte("hello, world: not an aggregate at all"),
		"magic only":             magic[:],
		"magic and checksum":     wrap(nil), // 20 bytes: the KCL wants more
		"body changed":           flipped,
		"checksum changed":       badSum,
		"other magic":            otherMagic,
		"truncated by one byte":  golden[:len(golden)-1],
		"magic and garbage tail": append(magic[:], bytes.Repeat([]byte{0xAB}, 40)...),
	} {
		recs, aggregated, err := Deaggregate(data)
		if aggregated || recs != nil || err != nil || IsAggregated(data) {
			t.Errorf("%s: got %d records, aggregated %v, err %v; want a plain record", name, len(recs), aggregated, err)
		}
	}
}

func TestDeaggregateMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, body, wantErr string // body in hex
	}{
		{"truncated tag", "80", "truncated or overlong field tag"},
		{"field number 0", "0200", "invalid field number 0"},
		{"length past the end", "0a0561", "length 5 exceeds the 1 bytes left"},
		{"huge length", "0affffffffffffffffff01", "length 18446744073709551615 exceeds the 0 bytes left"},
		{"overlong varint", "08ffffffffffffffffffff01", "overlong varint"},
		{"truncated fixed64", "0901020304", "truncated fixed64"},
		{"group", "0b0c", "unsupported wire type 3"},
		{"wire type 7", "0f", "unsupported wire type 7"},
		{"record without partition_key_index", "0a01611a021a00", "record 0 (at offset 3): missing required partition_key_index"},
		{"record without data", "0a01611a020800", "record 0 (at offset 3): missing required data"},
		{"partition_key_index out of range", "0a01611a0408001a001a0408011a00", "record 1 (at offset 9): partition_key_index 1 out of range: the table has 1 keys"},
		{"explicit_hash_key_index out of range", "0a01611a06080010001a00", "explicit_hash_key_index 0 out of range: the table has 0 keys"},
		{"truncated varint in a record", "0a01611a020880", "record 0 (at offset 3): offset 1: field 1: truncated or overlong varint"},
		{"tag without key", "0a01611a0808001a0022021200", "record 0 (at offset 3): tag: missing required key"},
	} {
		body, err := hex.DecodeString(tc.body)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		recs, aggregated, err := Deaggregate(wrap(body))
		if !aggregated || recs != nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: got %d records, aggregated %v, err %v; want ErrMalformed containing %q",
				tc.name, len(recs), aggregated, err, tc.wantErr)
		}
	}
}

// TestDeaggregateLenient: what protobuf parsers accept, Deaggregate accepts too, although the
// Aggregator never writes it.
func TestDeaggregateLenient(t *testing.T) {
	a := Record{PartitionKey: "a", Data: []byte{}}
	for _, tc := range []struct {
		name, body string
		want       []Record
	}{
		{"records before the tables", "1a0408001a00" + "0a0161", []Record{a}},
		{"unknown fields at both levels", "0a0161" + "7801" + "7d01020304" + "790102030405060708" +
			"1a0908001a004a03010203", []Record{a}},
		{"known field numbers with other wire types", "0805" + "0a0161" + "1a0608001a000a00", []Record{a}},
		{"repeated scalar: the last wins", "0a01610a01621a0608010800" + "1a00", []Record{a}},
		{"non-minimal varint", "0a01611a05088000" + "1a00", []Record{a}},
		{"tags are checked and dropped", "0a01611a0b08001a0022050a016b1200", []Record{a}},
		{"tables only", "0a0161120131", []Record{}},
	} {
		body, _ := hex.DecodeString(tc.body)
		recs, aggregated, err := Deaggregate(wrap(body))
		if !aggregated || err != nil {
			t.Errorf("%s: aggregated %v, err %v", tc.name, aggregated, err)
			continue
		}
		assertRecordsEqual(t, recs, tc.want)
	}
}

// TestDeaggregateDataCapacity: Data aliases the input, so its capacity must stop at its end, or
// a consumer's append would overwrite the next record.
func TestDeaggregateDataCapacity(t *testing.T) {
	golden, _ := hex.DecodeString(goldenHex)
	recs, _, _ := Deaggregate(golden)
	for i, r := range recs {
		if cap(r.Data) != len(r.Data) {
			t.Errorf("record %d: cap %d > len %d", i, cap(r.Data), len(r.Data))
		}
	}
}
