package emulator

import (
	"crypto/md5"
	"encoding/binary"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// The aggregates below are written field by field, independently of the producer's encoder
// (the emulator imports nothing of the project); bench/ checks the two agree end to end.

func pbBytesField(num int, v []byte) []byte {
	b := binary.AppendUvarint(nil, uint64(num)<<3|pbBytes)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func pbVarintField(num int, v uint64) []byte {
	b := binary.AppendUvarint(nil, uint64(num)<<3|pbVarint)
	return binary.AppendUvarint(b, v)
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// aggregate frames a protobuf body as an aggregated record: magic, body, MD5 of the body.
func aggregate(body []byte) []byte {
	sum := md5.Sum(body)
	return concat(kplMagic, body, sum[:])
}

func subRecord(keyIndex uint64, data string) []byte {
	return pbBytesField(aggFieldRecords, concat(pbVarintField(recFieldKeyIndex, keyIndex), pbBytesField(recFieldData, []byte(data))))
}

func TestUserRecordsCountsSubRecordsOfValidAggregates(t *testing.T) {
	keys := concat(pbBytesField(aggFieldKeyTable, []byte("alpha")), pbBytesField(aggFieldKeyTable, []byte("bb")))
	valid := concat(keys, subRecord(0, "0123456789"), subRecord(1, "xyz"), subRecord(0, ""))
	// An explicit hash key table (field 2), a record's ehk index (2) and tags (4) are skipped.
	withExtras := concat(pbBytesField(2, []byte("123")), keys,
		pbBytesField(aggFieldRecords, concat(pbVarintField(recFieldKeyIndex, 1), pbVarintField(2, 0),
			pbBytesField(recFieldData, []byte("abcd")), pbBytesField(4, pbBytesField(1, []byte("tag"))))))
	// Fields in any order: records before the key table.
	recordsFirst := concat(subRecord(1, "12"), keys)

	badSum := aggregate(valid)
	badSum[len(badSum)-1] ^= 1

	for _, tc := range []struct {
		name      string
		data      []byte
		key       string
		wantN     int64
		wantBytes int64
	}{
		{"plain record", []byte("hello"), "k", 1, 6},
		{"magic only", kplMagic, "k", 1, 5},
		{"valid aggregate", aggregate(valid), "pk", 3, (10 + 5) + (3 + 2) + (0 + 5)},
		{"unknown fields skipped", aggregate(withExtras), "pk", 1, 4 + 2},
		{"records before key table", aggregate(recordsFirst), "pk", 1, 2 + 2},
		{"empty aggregate", aggregate(nil), "pk", 0, 0},
		{"bad checksum is a plain record", badSum, "pk", 1, int64(len(badSum) + 2)},
		{"key index past the table", aggregate(concat(keys, subRecord(2, "x"))), "pk", 1, int64(len(aggregate(concat(keys, subRecord(2, "x")))) + 2)},
		{"record without data", aggregate(concat(keys, pbBytesField(aggFieldRecords, pbVarintField(recFieldKeyIndex, 0)))), "pk", 1, 0},
		{"truncated length", aggregate(concat(keys, []byte{aggFieldRecords<<3 | pbBytes, 50, 1})), "pk", 1, 0},
		{"group wire type", aggregate([]byte{aggFieldRecords<<3 | 3}), "pk", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, size := userRecords(tc.data, tc.key)
			if n != tc.wantN {
				t.Fatalf("records = %d, want %d", n, tc.wantN)
			}
			if tc.wantBytes != 0 && size != tc.wantBytes {
				t.Fatalf("bytes = %d, want %d", size, tc.wantBytes)
			}
			if tc.wantN == 1 && tc.wantBytes == 0 && size != int64(len(tc.data)+len(tc.key)) {
				t.Fatalf("a record that is not a valid aggregate counts as itself: bytes = %d, want %d", size, len(tc.data)+len(tc.key))
			}
		})
	}
}

// FuzzUserRecords: whatever a client sends, the scan neither panics nor counts more user records
// than the body has bytes to hold (each needs at least its tag, length and key index).
func FuzzUserRecords(f *testing.F) {
	keys := pbBytesField(aggFieldKeyTable, []byte("k"))
	f.Add(concat(keys, subRecord(0, "a"), subRecord(0, "bb")))
	f.Add([]byte{aggFieldRecords<<3 | pbBytes, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		n, size := userRecords(aggregate(body), "pk")
		if n < 0 || size < 0 || n > int64(len(body)) {
			t.Fatalf("userRecords = %d, %d for a %d-byte body", n, size, len(body))
		}
	})
}

func TestStreamStatsCountUserRecordsAndWriteRequests(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}}, true)
	keys := concat(pbBytesField(aggFieldKeyTable, []byte("a")), pbBytesField(aggFieldKeyTable, []byte("b")))
	agg := aggregate(concat(keys, subRecord(0, "one"), subRecord(1, "two"), subRecord(1, "three")))
	_, err := env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("a"), Data: agg},
		{PartitionKey: aws.String("plain"), Data: []byte("12345")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("p"), Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	st, _ := env.emu.StreamStats("s")
	if st.Total.AcceptedRecords != 3 || st.Total.AcceptedUserRecords != 5 {
		t.Fatalf("accepted %d Kinesis records holding %d user records, want 3 and 5", st.Total.AcceptedRecords, st.Total.AcceptedUserRecords)
	}
	if want := int64((3 + 1) + (3 + 1) + (5 + 1) + (5 + 5) + (1 + 1)); st.Total.AcceptedUserBytes != want {
		t.Fatalf("user bytes %d, want %d", st.Total.AcceptedUserBytes, want)
	}
	if st.PutRecordsRequests != 1 || st.PutRecordRequests != 1 {
		t.Fatalf("requests: PutRecords %d, PutRecord %d, want 1 and 1", st.PutRecordsRequests, st.PutRecordRequests)
	}
}
