package producer

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/producer/kpl"
)

// wireBuf is a buffer an aggregate is encoded into, reused once its request has returned: the
// encodings were most of what the producer allocated (about 110 bytes per 100-byte record), and
// every allocation brings the next collection, which scans all the buffered records, closer.
type wireBuf struct {
	b []byte
}

var wireBufs = sync.Pool{New: func() any { return new(wireBuf) }}

// encodeRequest returns the entries of the PutRecords request sending batch, and the buffers
// its aggregates are encoded into, taken from wireBufs, to be put back by releaseWire when the
// request is over. A raw record is sent with the user's own data; an aggregate is encoded anew
// (a request encodes it once), and the aggregates' checksums are computed together at the end
// (kpl.AppendChecksums hashes several at once).
func encodeRequest(batch []*krec) ([]types.PutRecordsRequestEntry, []*wireBuf) {
	entries := make([]types.PutRecordsRequestEntry, len(batch))
	var bufs []*wireBuf
	var open [][]byte // the aggregates, awaiting their checksums
	for i, k := range batch {
		entries[i] = types.PutRecordsRequestEntry{Data: k.data, PartitionKey: &k.pk, ExplicitHashKey: k.ehk}
		if !k.aggregated {
			continue
		}
		w := wireBufs.Get().(*wireBuf)
		if size := k.size - len(k.pk); cap(w.b) < size { // k.size counts the outer partition key too
			// Room for any aggregate of the current limit: a buffer sized to one aggregate was
			// too small for the next larger one, and replaced, about once per request.
			w.b = make([]byte, 0, max(size, k.shard.p.cfg.Load().AggregationMaxSize))
		}
		w.b = encodeAggregate(w.b[:0], k)
		bufs = append(bufs, w)
		if open == nil {
			open = make([][]byte, 0, len(batch)-i)
		}
		open = append(open, w.b)
	}
	kpl.AppendChecksums(open) // in place: each buffer has room for the whole aggregate
	for i, k := range batch {
		if k.aggregated {
			entries[i].Data, open = open[0], open[1:]
		}
	}
	return entries, bufs
}

// releaseWire puts a request's encoding buffers back. Only once PutRecords has returned: the
// SDK's client has copied the data into the request body by then, and KinesisAPI's contract
// forbids other implementations to keep it.
func releaseWire(bufs []*wireBuf) {
	for _, w := range bufs {
		w.b = w.b[:0]
		wireBufs.Put(w)
	}
}

// requestWire is a request's encoding buffers, put back by whichever comes first: the
// producer's PutRecords serializer once it has written the body (the encodings are copied into
// it, base64), or the sender once PutRecords returns. Held until the request returned, they
// kept every request in flight's data a second time (overload: 25 MB of 64 MiB buffered).
// Both run on the sender's goroutine, inside and after the PutRecords call. The serializer
// leaves it the request's body, whose sender's share the sender gives up once PutRecords returns.
type requestWire struct {
	bufs []*wireBuf
	body *requestBody
}

func (r *requestWire) release() {
	releaseWire(r.bufs)
	r.bufs = nil
	if r.body != nil {
		r.body.Release()
		r.body = nil
	}
}

type requestWireKey struct{}

func withRequestWire(ctx context.Context, r *requestWire) context.Context {
	return context.WithValue(ctx, requestWireKey{}, r)
}

// encodeAggregate encodes k's user records, in order, up to its checksum, as the KPL aggregate its shard sized with
// a kpl.Sizer when it sealed k, from the placements the Sizer gave each record (no key table is
// built again). Encoding at send time keeps only the records of requests in flight encoded: the
// records waiting in the limiter's queue (the backlog, under overload most of MaxBufferedBytes)
// are not held a second time as their encoding.
func encodeAggregate(dst []byte, k *krec) []byte {
	// The same records in the same order encode to exactly the size the Sizer gave when k was
	// sealed (TestAppendPlacedIsTheEncoding): keys are strings and the producer holds its own
	// copy of each Data slice header, so no length can have changed since; a record's placement
	// is set when it joins an aggregate and is not touched until that aggregate's request ends.
	// A user's Record is a kpl.Record by its fields, so it is passed by pointer, not copied; the
	// records are written from their slab, with nothing gathered first (kpl.PlacedWriter).
	users := k.users
	w := kpl.NewPlacedWriter(dst)
	for i := range users {
		w.PartitionKey((*kpl.Record)(&users[i].rec), users[i].place)
	}
	if w.HasExplicitHashKeys() {
		for i := range users {
			w.ExplicitHashKey((*kpl.Record)(&users[i].rec), users[i].place)
		}
	}
	for i := range users {
		w.Record((*kpl.Record)(&users[i].rec), users[i].place)
	}
	return w.Unfinished() // its checksum is appended with the request's others
}
