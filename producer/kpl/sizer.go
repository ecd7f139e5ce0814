package kpl

// Sizer follows the exact encoded size of an aggregated record as records are added, without
// keeping their data: the size an Aggregator fed the same records in the same order would
// encode. A producer sizes aggregates with it while records wait for their shard's tokens, and
// encodes them only when they are about to be sent, so that a backlog is held once (as the
// users' records) and not twice (those and their encoded copy).
//
// The zero value is an empty Sizer ready to use. It is not safe for concurrent use.
type Sizer struct {
	// Table index of each key. The tables hold the callers' key strings until Reset.
	pkIndex  keyTable
	ehkIndex keyTable
	// placedPK and placedEHK are the hashes of the keys of the record placed last, for
	// AddPlaced to insert them with (a Placement is kept per buffered record: it stays small).
	placedPK, placedEHK uint64
	// body is the protobuf's length: the table entries and the records entries.
	body    int
	n       int
	firstPK string
}

// Len is the number of user records added since the last Reset.
func (s *Sizer) Len() int { return s.n }

// Size is the exact length of the aggregated record of the records added: magic, protobuf and
// checksum (MagicLen+ChecksumLen with none).
func (s *Sizer) Size() int { return MagicLen + s.body + ChecksumLen }

// FirstPartitionKey is the partition key of the first record added, "" if there is none.
func (s *Sizer) FirstPartitionKey() string { return s.firstPK }

// SizeWith is the exact value Size would have after Add(r). It costs two table lookups at most
// and does not allocate.
func (s *Sizer) SizeWith(r Record) int {
	p := s.place(r, hashKey(r.PartitionKey))
	return s.Size() + int(p.grow)
}

// Add counts r in. Like Aggregator.Add it checks no limit and validates no key.
func (s *Sizer) Add(r Record) { s.add(r, hashKey(r.PartitionKey)) }

// Place says where r would go if added now, without adding it: Size()+p.Grow() is SizeWith(r).
// A producer places a record once, checks its limits, and adds it with AddPlaced, so the key
// tables are looked up once per record instead of twice.
func (s *Sizer) Place(r Record) Placement { return s.place(r, hashKey(r.PartitionKey)) }

// PlaceHashed is Place for a caller that has a hash of r's partition key already, such as the
// low 64 bits of its MD5: equal keys must have equal hashes, and the same key must come with
// the same hash until Reset (in AddPlaced too).
func (s *Sizer) PlaceHashed(r Record, pkHash uint64) Placement { return s.place(r, pkHash) }

// AddPlaced adds r at p, which Place(r) returned with no Add or Reset since. It returns p, to
// keep for AppendPlaced.
func (s *Sizer) AddPlaced(r Record, p Placement) Placement {
	s.commit(r, p)
	return p
}

// Reset empties the Sizer, keeping its maps for the next aggregate.
func (s *Sizer) Reset() {
	s.pkIndex.reset()
	s.ehkIndex.reset()
	s.body, s.n, s.firstPK = 0, 0, ""
}

// Placement is where a record goes in an aggregate: its key table indices, whether it adds a
// table entry, and by how many bytes it grows the protobuf. It is small (16 bytes) so that a
// producer can keep one per buffered record and encode the aggregate from them (AppendPlaced)
// without building the key tables again. Indices fit 32 bits: an aggregate of at most 1 MiB holds
// far fewer records than that.
type Placement struct {
	pk, ehk       uint32
	grow          int32
	hasEHK        bool
	newPK, newEHK bool
}

// Grow is by how many bytes the record grows the aggregate.
func (p Placement) Grow() int { return int(p.grow) }

// place says where r would go, without adding it. A new key goes at the end of its table, and
// its index (the table's length) sets the width of the record's index varint.
func (s *Sizer) place(r Record, pkHash uint64) Placement {
	var p Placement
	var ok bool
	grow := 0
	s.placedPK = pkHash
	if p.pk, ok = s.pkIndex.find(r.PartitionKey, pkHash); !ok {
		p.newPK = true
		grow += tableEntryLen(len(r.PartitionKey))
	}
	if p.hasEHK = r.ExplicitHashKey != ""; p.hasEHK {
		s.placedEHK = hashKey(r.ExplicitHashKey)
		if p.ehk, ok = s.ehkIndex.find(r.ExplicitHashKey, s.placedEHK); !ok {
			p.newEHK = true
			grow += tableEntryLen(len(r.ExplicitHashKey))
		}
	}
	grow += recordEntryLen(uint64(p.pk), uint64(p.ehk), p.hasEHK, len(r.Data))
	p.grow = int32(grow)
	return p
}

// add counts r in and returns its placement, for an Aggregator to write the same entries.
func (s *Sizer) add(r Record, pkHash uint64) Placement {
	p := s.place(r, pkHash)
	s.commit(r, p)
	return p
}

// commit counts r in at p.
func (s *Sizer) commit(r Record, p Placement) {
	if p.newPK {
		s.pkIndex.insert(r.PartitionKey, s.placedPK)
	}
	if p.newEHK {
		s.ehkIndex.insert(r.ExplicitHashKey, s.placedEHK)
	}
	s.body += int(p.grow)
	if s.n == 0 {
		s.firstPK = r.PartitionKey
	}
	s.n++
}
