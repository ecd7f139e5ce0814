package producer

import (
	"sync"

	"github.com/shardstorm/shardstorm/producer/kpl"
)

// aggregators are reused by the requests that encode aggregates: an Aggregator keeps its
// buffers and key maps across Resets.
var aggregators = sync.Pool{New: func() any { return new(kpl.Aggregator) }}

// wireData is the data k is sent with: the user's own for a raw record, the encoded aggregate
// for an aggregate (encoded anew at every call: a request encodes it once).
func (k *krec) wireData() []byte {
	if k.aggregated {
		return encodeAggregate(k)
	}
	return k.data
}

// encodeAggregate encodes k's user records, in order, as the KPL aggregate its shard sized with
// a kpl.Sizer when it sealed k. Encoding at send time keeps only the records of requests in
// flight encoded: the records waiting in the limiter's queue (the backlog, under overload most
// of MaxBufferedBytes) are not held a second time as their encoding.
func encodeAggregate(k *krec) []byte {
	a := aggregators.Get().(*kpl.Aggregator)
	defer aggregators.Put(a)
	a.Reset()
	for _, u := range k.users {
		a.Add(kpl.Record{PartitionKey: u.rec.PartitionKey, ExplicitHashKey: u.rec.ExplicitHashKey, Data: u.rec.Data})
	}
	// The same records in the same order encode to exactly the size the Sizer gave when k was
	// sealed (TestSizerAgreesWithTheEncoding): keys are strings and the producer holds its own
	// copy of each Data slice header, so no length can have changed since.
	return a.Encode(make([]byte, 0, a.Size()))
}
