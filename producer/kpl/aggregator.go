package kpl

import (
	"crypto/md5"
	"slices"
)

// Aggregator builds one aggregated record incrementally. The caller asks SizeWith before each
// Add to stay within its limits, then Encode, then Reset to start the next aggregate with the
// buffers and maps of the last one, so that steady-state use allocates nothing per record.
//
// The zero value is an empty Aggregator ready to use. It is not safe for concurrent use.
type Aggregator struct {
	// sz places the records in the key tables and keeps the exact size.
	sz Sizer
	// The three parts of the protobuf, kept already encoded in canonical order (all field 1
	// entries, all field 2 entries, all field 3 entries), so Encode only concatenates them.
	pkTable  []byte
	ehkTable []byte
	records  []byte
}

// Len is the number of user records added since the last Reset.
func (a *Aggregator) Len() int { return a.sz.Len() }

// Size is the exact length Encode would append now. With no records it is MagicLen+ChecksumLen,
// the encoding of an empty AggregatedRecord; consumers treat data that short as a plain record,
// so never send an empty aggregate. (Like the KPL, send a lone record raw, not aggregated.)
func (a *Aggregator) Size() int { return a.sz.Size() }

// FirstPartitionKey is the partition key of the first record added, "" if there is none. The
// KPL sends an aggregate under that partition key, with an explicit hash key routing it to the
// shard its records belong to.
func (a *Aggregator) FirstPartitionKey() string { return a.sz.FirstPartitionKey() }

// SizeWith is the exact value Size would have after Add(r). It costs two map lookups at most
// and does not allocate.
func (a *Aggregator) SizeWith(r Record) int { return a.sz.SizeWith(r) }

// Add appends r to the aggregate. It copies r.Data, so the caller may reuse it once Add
// returns. Add checks no limit: the caller compares SizeWith with its own first. Keys are not
// validated either (Kinesis wants 1..256 characters and decimal hash keys; that is the
// producer's check).
func (a *Aggregator) Add(r Record) {
	p := a.sz.add(r, hashKey(r.PartitionKey))
	if p.newPK {
		a.pkTable = appendTableEntry(a.pkTable, tagPartitionKeyTable, r.PartitionKey)
	}
	if p.newEHK {
		a.ehkTable = appendTableEntry(a.ehkTable, tagExplicitHashKeyTable, r.ExplicitHashKey)
	}
	a.records = appendRecordEntry(a.records, uint64(p.pk), uint64(p.ehk), p.hasEHK, r.Data)
}

// Encode appends the aggregated record (magic, protobuf, MD5) to dst and returns the extended
// slice: exactly Size() bytes. It grows dst at most once; pass a reused buffer to avoid that.
// Encode leaves the Aggregator unchanged.
func (a *Aggregator) Encode(dst []byte) []byte {
	dst = slices.Grow(dst, a.Size())
	dst = append(dst, magic[:]...)
	start := len(dst)
	dst = append(dst, a.pkTable...)
	dst = append(dst, a.ehkTable...)
	dst = append(dst, a.records...)
	sum := md5.Sum(dst[start:])
	return append(dst, sum[:]...)
}

// AppendPlaced appends to dst the aggregated record of records, records[i] being at places[i]:
// the records a Sizer placed, in the order it placed them (Sizer.Place and AddPlaced). The bytes
// are exactly those an Aggregator fed the same records would Encode, but no key table is looked
// up: the placements say which records start a table entry and which indices each record
// carries. Pass dst with room for the Sizer's Size() to grow it not at all. The records are
// passed by pointer and the placements in a slice beside them so that encoding costs no call
// and no copy of a Record per record.
func AppendPlaced(dst []byte, records []*Record, places []Placement) []byte {
	places = places[:len(records)]
	dst = append(dst, magic[:]...)
	start := len(dst)
	hasEHK := false
	for i, p := range places {
		if p.newPK {
			dst = appendTableEntry(dst, tagPartitionKeyTable, records[i].PartitionKey)
		}
		hasEHK = hasEHK || p.newEHK
	}
	if hasEHK {
		for i, p := range places {
			if p.newEHK {
				dst = appendTableEntry(dst, tagExplicitHashKeyTable, records[i].ExplicitHashKey)
			}
		}
	}
	for i, p := range places {
		dst = appendRecordEntry(dst, uint64(p.pk), uint64(p.ehk), p.hasEHK, records[i].Data)
	}
	sum := md5.Sum(dst[start:])
	return append(dst, sum[:]...)
}

// Reset empties the Aggregator, keeping its buffers and maps for the next aggregate.
func (a *Aggregator) Reset() {
	a.sz.Reset()
	a.pkTable = a.pkTable[:0]
	a.ehkTable = a.ehkTable[:0]
	a.records = a.records[:0]
}

func appendTableEntry(b []byte, tag byte, key string) []byte {
	b = append(b, tag)
	b = appendVarint(b, uint64(len(key)))
	return append(b, key...)
}

// appendRecordEntry appends one records entry: the Record's fields in number order, as a
// protobuf library writes them. partition_key_index is written even when 0: proto2 writes a
// required field whatever its value.
func appendRecordEntry(b []byte, pk, ehk uint64, hasEHK bool, data []byte) []byte {
	b = append(b, tagRecords)
	b = appendVarint(b, uint64(recordBodyLen(pk, ehk, hasEHK, len(data))))
	b = append(b, tagPartitionKeyIndex)
	b = appendVarint(b, pk)
	if hasEHK {
		b = append(b, tagExplicitHashKeyIndex)
		b = appendVarint(b, ehk)
	}
	b = append(b, tagData)
	b = appendVarint(b, uint64(len(data)))
	return append(b, data...)
}
