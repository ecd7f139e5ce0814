package kpl

import (
	"crypto/md5"
	"encoding/binary"
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
	return appendChecksum(dst, start)
}

// appendChecksum appends the checksum of an aggregated record whose protobuf is b[start:]: the
// MD5 that ends it. Every way of encoding one (Encode, PlacedWriter.Finish, AppendChecksums'
// one-by-one path) ends here.
func appendChecksum(b []byte, start int) []byte {
	sum := md5.Sum(b[start:])
	return append(b, sum[:]...)
}

// AppendPlaced appends to dst the aggregated record of records, records[i] being at places[i]:
// the records a Sizer placed, in the order it placed them (Sizer.Place and AddPlaced). The bytes
// are exactly those an Aggregator fed the same records would Encode, but no key table is looked
// up: the placements say which records start a table entry and which indices each record
// carries. Pass dst with room for the Sizer's Size() to grow it not at all. A caller that keeps
// its records and placements otherwise than in two slices writes them with a PlacedWriter.
func AppendPlaced(dst []byte, records []*Record, places []Placement) []byte {
	places = places[:len(records)]
	w := NewPlacedWriter(dst)
	for i, p := range places {
		w.PartitionKey(records[i], p)
	}
	if w.HasExplicitHashKeys() {
		for i, p := range places {
			w.ExplicitHashKey(records[i], p)
		}
	}
	for i, p := range places {
		w.Record(records[i], p)
	}
	return w.Finish()
}

// PlacedWriter writes the aggregated record of records a Sizer placed, given one at a time, in
// the order the Sizer placed them, in three passes (the sections of the protobuf): PartitionKey
// for every record; then, if HasExplicitHashKeys, ExplicitHashKey for every record; then Record
// for every record; and Finish. It is AppendPlaced for a caller that keeps its records and their
// placements in its own structures (a producer keeps them in its buffered records), so that
// nothing is gathered into slices first.
type PlacedWriter struct {
	b      []byte
	start  int  // where the protobuf starts in b
	hasEHK bool // a record placed so far starts an explicit hash key table entry
}

// NewPlacedWriter starts an aggregated record at the end of dst; pass dst with room for the
// Sizer's Size() to grow it not at all.
func NewPlacedWriter(dst []byte) PlacedWriter {
	dst = append(dst, magic[:]...)
	return PlacedWriter{b: dst, start: len(dst)}
}

// PartitionKey writes r's partition key table entry, if r, at p, starts one.
func (w *PlacedWriter) PartitionKey(r *Record, p Placement) {
	if p.newPK {
		w.b = appendTableEntry(w.b, tagPartitionKeyTable, r.PartitionKey)
	}
	w.hasEHK = w.hasEHK || p.newEHK
}

// HasExplicitHashKeys reports whether a record given to PartitionKey has an explicit hash key
// table entry: only then is the ExplicitHashKey pass needed.
func (w *PlacedWriter) HasExplicitHashKeys() bool { return w.hasEHK }

// ExplicitHashKey writes r's explicit hash key table entry, if r, at p, starts one.
func (w *PlacedWriter) ExplicitHashKey(r *Record, p Placement) {
	if p.newEHK {
		w.b = appendTableEntry(w.b, tagExplicitHashKeyTable, r.ExplicitHashKey)
	}
}

// Record writes r's records entry.
func (w *PlacedWriter) Record(r *Record, p Placement) {
	w.b = appendRecordEntry(w.b, uint64(p.pk), uint64(p.ehk), p.hasEHK, r.Data)
}

// Unfinished returns the aggregated record written so far, from its magic (not what dst held
// before it), without its checksum: for AppendChecksums, which checksums several at once and
// takes each aggregate from its magic, to finish.
func (w *PlacedWriter) Unfinished() []byte { return w.b[w.start-MagicLen:] }

// Finish appends the checksum and returns dst with the aggregated record appended.
func (w *PlacedWriter) Finish() []byte { return appendChecksum(w.b, w.start) }

// Reset empties the Aggregator, keeping its buffers and maps for the next aggregate.
func (a *Aggregator) Reset() {
	a.sz.Reset()
	a.pkTable = a.pkTable[:0]
	a.ehkTable = a.ehkTable[:0]
	a.records = a.records[:0]
}

func appendTableEntry(b []byte, tag byte, key string) []byte {
	if len(key) < 0x80 { // a key's length is one byte (keys are at most 256 characters)
		b = append(b, tag, byte(len(key)))
		return append(b, key...)
	}
	b = append(b, tag)
	b = appendVarint(b, uint64(len(key)))
	return append(b, key...)
}

// appendRecordEntry appends one records entry: the Record's fields in number order, as a
// protobuf library writes them. partition_key_index is written even when 0: proto2 writes a
// required field whatever its value.
//
// Every record of an aggregate goes through here when it is sent. Most have no explicit hash
// key, and a key index and a body below 2^14 (varints of one or two bytes): their entry's head
// is written with three stores once the room for the entry is made, rather than appended field
// by field (a capacity check per byte).
func appendRecordEntry(b []byte, pk, ehk uint64, hasEHK bool, data []byte) []byte {
	n := len(data)
	body := uint64(recordBodyLen(pk, ehk, hasEHK, n))
	if !hasEHK && pk < 1<<14 && body < 1<<14 {
		l := len(b)
		if cap(b)-l < shortHeadRoom+n {
			b = slices.Grow(b, shortHeadRoom+n)
		}
		h := b[l : l+shortHeadRoom]
		at := putShortField(h, 0, tagRecords, body)
		at = putShortField(h, at, tagPartitionKeyIndex, pk)
		at = putShortField(h, at, tagData, uint64(n))
		return append(b[:l+at], data...)
	}
	b = append(b, tagRecords)
	b = appendVarint(b, body)
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

// shortHeadRoom is the room putShortField needs for a head of three fields: each writes four
// bytes from where the last one's two or three ended.
const shortHeadRoom = 12

// putShortField writes a one-byte tag and v (below 2^14) as a varint at h[at:], storing four
// bytes of which the last one or two are scratch, and returns where the field ends.
func putShortField(h []byte, at int, tag byte, v uint64) int {
	x, w := uint32(tag)|uint32(v)<<8, 2
	if v >= 0x80 {
		x, w = uint32(tag)|uint32(v&0x7f|0x80)<<8|uint32(v>>7)<<16, 3
	}
	binary.LittleEndian.PutUint32(h[at:], x)
	return at + w
}
