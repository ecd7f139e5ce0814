package kpl

// tableEntryLen is the encoded size of one partition or explicit hash key table entry: the
// tag, the length varint, the key.
func tableEntryLen(keyLen int) int {
	return 1 + varintLen(uint64(keyLen)) + keyLen
}

// recordBodyLen is the size of an encoded Record message, without its own tag and length.
func recordBodyLen(pkIndex, ehkIndex uint64, hasEHK bool, dataLen int) int {
	n := 1 + varintLen(pkIndex) + 1 + varintLen(uint64(dataLen)) + dataLen
	if hasEHK {
		n += 1 + varintLen(ehkIndex)
	}
	return n
}

// recordEntryLen is the size of one records entry of the AggregatedRecord: tag, length, body.
func recordEntryLen(pkIndex, ehkIndex uint64, hasEHK bool, dataLen int) int {
	body := recordBodyLen(pkIndex, ehkIndex, hasEHK, dataLen)
	return 1 + varintLen(uint64(body)) + body
}

// EncodedSize is the exact length of the aggregated record (magic, protobuf, checksum) that an
// Aggregator produces from records, in order. It computes the size independently of the
// Aggregator and allocates a map per call; on a hot path use Aggregator.SizeWith instead.
// For no records it is MagicLen+ChecksumLen.
func EncodedSize(records []Record) int {
	size := MagicLen + ChecksumLen
	pks := make(map[string]uint64, len(records))
	ehks := make(map[string]uint64)
	for _, r := range records {
		pk, ok := pks[r.PartitionKey]
		if !ok {
			pk = uint64(len(pks))
			pks[r.PartitionKey] = pk
			size += tableEntryLen(len(r.PartitionKey))
		}
		var ehk uint64
		hasEHK := r.ExplicitHashKey != ""
		if hasEHK {
			if ehk, ok = ehks[r.ExplicitHashKey]; !ok {
				ehk = uint64(len(ehks))
				ehks[r.ExplicitHashKey] = ehk
				size += tableEntryLen(len(r.ExplicitHashKey))
			}
		}
		size += recordEntryLen(pk, ehk, hasEHK, len(r.Data))
	}
	return size
}
