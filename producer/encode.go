package producer

import (
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// wireData is the data k is sent with: the user's own for a raw record, the encoded aggregate
// for an aggregate (encoded anew at every call: a request encodes it once).
func (k *krec) wireData() []byte {
	if k.aggregated {
		return encodeAggregate(k)
	}
	return k.data
}

// encodeAggregate encodes k's user records, in order, as the KPL aggregate its shard sized with
// a kpl.Sizer when it sealed k, from the placements the Sizer gave each record (no key table is
// built again). Encoding at send time keeps only the records of requests in flight encoded: the
// records waiting in the limiter's queue (the backlog, under overload most of MaxBufferedBytes)
// are not held a second time as their encoding.
func encodeAggregate(k *krec) []byte {
	// The same records in the same order encode to exactly the size the Sizer gave when k was
	// sealed (TestAppendPlacedIsTheEncoding): keys are strings and the producer holds its own
	// copy of each Data slice header, so no length can have changed since; a record's placement
	// is set when it joins an aggregate and is not touched until that aggregate's request ends.
	size := k.size - len(k.pk) // k.size counts the outer partition key too
	return kpl.AppendPlaced(make([]byte, 0, size), len(k.users), func(i int) (kpl.Record, kpl.Placement) {
		u := k.users[i]
		return kpl.Record{PartitionKey: u.rec.PartitionKey, ExplicitHashKey: u.rec.ExplicitHashKey, Data: u.rec.Data}, u.place
	})
}
