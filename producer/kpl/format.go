package kpl

import "math/bits"

const (
	// MagicLen is the length of the magic prefix of an aggregated record.
	MagicLen = 4
	// ChecksumLen is the length of the MD5 trailer of an aggregated record.
	ChecksumLen = 16
)

// magic starts every aggregated record.
var magic = [MagicLen]byte{0xF3, 0x89, 0x9A, 0xC2}

// Record is one user record inside an aggregated record.
type Record struct {
	PartitionKey string
	// ExplicitHashKey is "" when the record has none (Kinesis never accepts an empty one).
	ExplicitHashKey string
	Data            []byte
}

// Protobuf wire types used by the format, plus the fixed-width ones the decoder must skip.
// Groups (3 and 4) are deprecated and rejected by the decoder; 6 and 7 do not exist.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// Field tags (field number << 3 | wire type). All fit in one byte.
const (
	tagPartitionKeyTable    = 1<<3 | wireBytes  // AggregatedRecord.partition_key_table
	tagExplicitHashKeyTable = 2<<3 | wireBytes  // AggregatedRecord.explicit_hash_key_table
	tagRecords              = 3<<3 | wireBytes  // AggregatedRecord.records
	tagPartitionKeyIndex    = 1<<3 | wireVarint // Record.partition_key_index
	tagExplicitHashKeyIndex = 2<<3 | wireVarint // Record.explicit_hash_key_index
	tagData                 = 3<<3 | wireBytes  // Record.data
)

// maxFieldNumber is the largest field number protobuf allows.
const maxFieldNumber = 1<<29 - 1

// varintLen is the number of bytes of v as a protobuf varint (7 bits per byte).
func varintLen(v uint64) int {
	return (bits.Len64(v|1) + 6) / 7
}

// appendVarint appends v as a protobuf varint (the same encoding as binary.AppendUvarint,
// written out so the one-byte case, by far the most common here, stays inlined).
func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
