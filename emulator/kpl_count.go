package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
)

// A KPL aggregated record (kinesis-facts.md) carries many user records in one Kinesis record.
// The emulator counts them as it stores them, so a test or benchmark can compare a producer's
// own count of delivered user records with ground truth without reading the stream back. It
// reads an aggregate the way a consumer (the KCL) does: magic prefix, protobuf, then the MD5 of
// the protobuf; a record that does not check out is one plain user record, as the KCL hands it on.
// This is its own small protobuf scan on purpose, not producer/kpl and not a shared leaf: it is
// the independent oracle the producer's aggregation is checked against (producer tests and
// bench/ compare the producer's delivered counts with it), so a bug in the producer's format
// code cannot hide by being read back with the same code. Keep it independent.

var kplMagic = []byte{0xF3, 0x89, 0x9A, 0xC2}

const kplChecksumLen = md5.Size

// userRecords returns how many user records a stored Kinesis record carries and their bytes as a
// consumer sees them (data + partition key of each): the sub-records of a valid aggregate, else 1
// record of len(data) + len(key).
func userRecords(data []byte, key string) (n, size int64) {
	plain := func() (int64, int64) { return 1, int64(len(data) + len(key)) }
	if len(data) < len(kplMagic)+kplChecksumLen || !bytes.HasPrefix(data, kplMagic) {
		return plain()
	}
	body := data[len(kplMagic) : len(data)-kplChecksumLen]
	if sum := md5.Sum(body); !bytes.Equal(sum[:], data[len(data)-kplChecksumLen:]) {
		return plain()
	}
	n, size, ok := scanAggregate(body)
	if !ok {
		return plain()
	}
	return n, size
}

// Protobuf wire types and the AggregatedRecord / Record field numbers used below.
const (
	pbVarint  = 0
	pbFixed64 = 1
	pbBytes   = 2
	pbFixed32 = 5

	aggFieldKeyTable = 1 // AggregatedRecord.partition_key_table: repeated string
	aggFieldRecords  = 3 // AggregatedRecord.records: repeated Record
	recFieldKeyIndex = 1 // Record.partition_key_index: required uint64
	recFieldData     = 3 // Record.data: required bytes
)

// scanAggregate counts the records of an AggregatedRecord and sums their data and partition key
// bytes. ok is false if the protobuf is malformed or a record lacks its required fields or points
// past the key table. Two passes, because protobuf allows the fields in any order.
func scanAggregate(pb []byte) (n, size int64, ok bool) {
	var keyLens []int
	if !eachField(pb, func(num int, wire int, v []byte) bool {
		if num == aggFieldKeyTable && wire == pbBytes {
			keyLens = append(keyLens, len(v))
		}
		return true
	}) {
		return 0, 0, false
	}
	ok = eachField(pb, func(num int, wire int, v []byte) bool {
		if num != aggFieldRecords {
			return true
		}
		if wire != pbBytes {
			return false
		}
		keyIndex, dataLen, good := scanRecord(v)
		if !good || keyIndex >= uint64(len(keyLens)) {
			return false
		}
		n++
		size += int64(dataLen + keyLens[keyIndex])
		return true
	})
	return n, size, ok
}

// scanRecord reads one Record's partition key index and data length.
func scanRecord(pb []byte) (keyIndex uint64, dataLen int, ok bool) {
	var haveKey, haveData bool
	ok = eachField(pb, func(num int, wire int, v []byte) bool {
		switch {
		case num == recFieldKeyIndex && wire == pbVarint:
			keyIndex, _ = binary.Uvarint(v)
			haveKey = true
		case num == recFieldData && wire == pbBytes:
			dataLen, haveData = len(v), true
		}
		return true
	})
	return keyIndex, dataLen, ok && haveKey && haveData
}

// eachField calls f for every field of a protobuf message with its number, wire type and value
// bytes (the varint's bytes, or the length-delimited payload). It returns false on malformed
// input (or when f does), never reading past pb.
func eachField(pb []byte, f func(num, wire int, v []byte) bool) bool {
	for len(pb) > 0 {
		tag, k := binary.Uvarint(pb)
		if k <= 0 || tag>>3 == 0 || tag>>3 > 1<<29-1 {
			return false
		}
		pb = pb[k:]
		num, wire := int(tag>>3), int(tag&7)
		var v []byte
		switch wire {
		case pbVarint:
			_, k := binary.Uvarint(pb)
			if k <= 0 {
				return false
			}
			v, pb = pb[:k], pb[k:]
		case pbFixed64, pbFixed32:
			w := 8
			if wire == pbFixed32 {
				w = 4
			}
			if len(pb) < w {
				return false
			}
			v, pb = pb[:w], pb[w:]
		case pbBytes:
			l, k := binary.Uvarint(pb)
			if k <= 0 || l > uint64(len(pb)-k) {
				return false
			}
			v, pb = pb[k:k+int(l)], pb[k+int(l):]
		default: // groups (3, 4) are not used by the format; 6 and 7 do not exist
			return false
		}
		if !f(num, wire, v) {
			return false
		}
	}
	return true
}
