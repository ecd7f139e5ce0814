package kpl

import (
	"crypto/md5"
	"errors"
	"fmt"
)

// ErrMalformed is matched (errors.Is) by every error Deaggregate returns: data that carries the
// magic and a valid checksum but whose protobuf is not a valid AggregatedRecord.
var ErrMalformed = errors.New("kpl: malformed aggregated record")

// minRecordEntryLen is the smallest valid records entry: tag, length 4, then
// partition_key_index 0 (2 bytes) and empty data (2 bytes). It bounds the records a protobuf
// of a given size can hold, so a hostile count cannot inflate an allocation.
const minRecordEntryLen = 6

// IsAggregated reports whether data is an aggregated record by the KCL's test: the magic, more
// than MagicLen+ChecksumLen bytes, and a trailing MD5 of the bytes between them.
func IsAggregated(data []byte) bool {
	if len(data) <= MagicLen+ChecksumLen || [MagicLen]byte(data) != magic {
		return false
	}
	pb := data[MagicLen : len(data)-ChecksumLen]
	return md5.Sum(pb) == [ChecksumLen]byte(data[len(data)-ChecksumLen:])
}

// Deaggregate splits an aggregated record into its user records, in order.
//
// If data is not aggregated (see IsAggregated), it returns nil, false, nil: the caller delivers
// data as one plain record, as the KCL does. If it is, aggregated is true and either records
// holds the user records (possibly none) or err, matching ErrMalformed, names what is wrong:
// a framing error, a missing required field, or a key index outside its table. The KCL
// delivers a record whose protobuf fails to parse as one plain record, and on an index out of
// range delivers the user records before it and drops the rest; a consumer wanting that
// behaviour can deliver data raw on error. Unknown fields, and fields whose wire type does not
// match the schema, are skipped, as protobuf parsers do; tags are checked and dropped.
//
// Each Record's Data aliases data (with its capacity capped), so it is valid as long as data
// is and changes if data does. Keys are copied; all keys of one call share one allocation.
// Deaggregate does not filter records by hash key range (the KCL drops an aggregate holding a
// record outside the shard's range): that is the consumer's call.
func Deaggregate(data []byte) (records []Record, aggregated bool, err error) {
	if !IsAggregated(data) {
		return nil, false, nil
	}
	records, err = decodeAggregatedRecord(data[MagicLen : len(data)-ChecksumLen])
	if err != nil {
		return nil, true, err
	}
	return records, true, nil
}

// decodeAggregatedRecord parses the protobuf in two walks. The first validates the framing and
// counts, so that the allocations after it are sized once, never beyond a small multiple of the
// input. The second reads the key tables (up to the last table entry), then the records (from
// the first record entry): in canonical order these two spans do not overlap. Out of order,
// they may, which costs time and a larger key copy, never correctness.
func decodeAggregatedRecord(pb []byte) ([]Record, error) {
	var nPK, nEHK, nRec int
	tablesEnd, recordsStart := 0, len(pb)
	for r := (wireReader{buf: pb}); !r.done(); {
		f, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if f.typ != wireBytes {
			continue
		}
		switch f.num {
		case 1, 2:
			if f.num == 1 {
				nPK++
			} else {
				nEHK++
			}
			tablesEnd = r.off
		case 3:
			nRec++
			recordsStart = min(recordsStart, f.start)
		}
	}

	// One string holds every key (and the few framing bytes between them); table entries are
	// substrings of it.
	tableBytes := string(pb[:tablesEnd])
	pks := make([]string, 0, nPK)
	ehks := make([]string, 0, nEHK)
	for r := (wireReader{buf: pb[:tablesEnd]}); !r.done(); {
		f, _ := r.next() // validated by the first walk
		if f.typ != wireBytes || (f.num != 1 && f.num != 2) {
			continue
		}
		start := r.off - len(f.b)
		key := tableBytes[start:r.off]
		if f.num == 1 {
			pks = append(pks, key)
		} else {
			ehks = append(ehks, key)
		}
	}

	records := make([]Record, 0, min(nRec, len(pb)/minRecordEntryLen))
	for r := (wireReader{buf: pb[recordsStart:]}); !r.done(); {
		f, _ := r.next()
		if f.typ != wireBytes || f.num != 3 {
			continue
		}
		rec, err := decodeRecord(f.b, pks, ehks)
		if err != nil {
			return nil, fmt.Errorf("%w: record %d (at offset %d): %w", ErrMalformed, len(records), recordsStart+f.start, err)
		}
		records = append(records, rec)
	}
	return records, nil
}

func decodeRecord(b []byte, pks, ehks []string) (Record, error) {
	var (
		pk, ehk                uint64
		hasPK, hasEHK, hasData bool
		rec                    Record
	)
	for r := (wireReader{buf: b}); !r.done(); {
		f, err := r.next()
		if err != nil {
			return rec, err
		}
		switch {
		case f.num == 1 && f.typ == wireVarint:
			pk, hasPK = f.v, true
		case f.num == 2 && f.typ == wireVarint:
			ehk, hasEHK = f.v, true
		case f.num == 3 && f.typ == wireBytes:
			rec.Data, hasData = f.b, true
		case f.num == 4 && f.typ == wireBytes:
			if err := checkTag(f.b); err != nil {
				return rec, fmt.Errorf("tag: %w", err)
			}
		}
	}
	switch {
	case !hasPK:
		return rec, errors.New("missing required partition_key_index")
	case !hasData:
		return rec, errors.New("missing required data")
	case pk >= uint64(len(pks)):
		return rec, fmt.Errorf("partition_key_index %d out of range: the table has %d keys", pk, len(pks))
	case hasEHK && ehk >= uint64(len(ehks)):
		return rec, fmt.Errorf("explicit_hash_key_index %d out of range: the table has %d keys", ehk, len(ehks))
	}
	rec.PartitionKey = pks[pk]
	if hasEHK {
		rec.ExplicitHashKey = ehks[ehk]
	}
	return rec, nil
}

// checkTag validates a Tag message (which Record does not expose) as a proto2 parser would:
// well framed, with its required key.
func checkTag(b []byte) error {
	hasKey := false
	for r := (wireReader{buf: b}); !r.done(); {
		f, err := r.next()
		if err != nil {
			return err
		}
		if f.num == 1 && f.typ == wireBytes {
			hasKey = true
		}
	}
	if !hasKey {
		return errors.New("missing required key")
	}
	return nil
}
