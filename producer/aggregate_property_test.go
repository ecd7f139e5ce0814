package producer

import (
	"math/big"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// genShardMap draws a shard map: the hash key space cut at 0..15 random points.
func genShardMap(t *rapid.T) *shardMap {
	cuts := rapid.SliceOfNDistinct(rapid.Uint64(), 0, 15, func(v uint64) uint64 { return v }).Draw(t, "cuts")
	sort.Slice(cuts, func(i, j int) bool { return cuts[i] < cuts[j] })
	m := &shardMap{loadedAt: time.Now()}
	start := hashkey.Key{}
	for i, c := range cuts {
		if c == 0 {
			continue
		}
		end := hashkey.Key{Hi: c - 1, Lo: ^uint64(0)}
		m.shards = append(m.shards, mapShard{id: shardIDFor(i), start: start, end: end})
		start = hashkey.Key{Hi: c}
	}
	m.shards = append(m.shards, mapShard{id: shardIDFor(len(cuts)), start: start, end: hashkey.Max})
	m.index()
	return m
}

func shardIDFor(i int) string { return "shardId-" + big.NewInt(int64(i)).String() }

// Every Kinesis record the engine builds, for any records, any shard map and any aggregation
// limits: fits AggregationMaxSize and the stream's record size (data + outer key), decodes to
// exactly its user records in order (encoded as a request encodes it), and holds only records
// whose hash keys lie in its shard — the outer explicit hash key included — so a KCL consumer
// drops nothing.
func TestAggregatesWithinLimitsAndKCLSafe(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := Config{StreamName: "s",
			AggregationMaxSize:  rapid.IntRange(64, 4096).Draw(t, "maxSize"),
			AggregationMaxCount: rapid.IntRange(1, 50).Draw(t, "maxCount"),
		}.withDefaults()
		p := &Producer{wake: make(chan struct{}, 1), refreshCh: make(chan struct{}, 1), maxRec: rapid.IntRange(300, 8192).Draw(t, "maxRec"), epoch: time.Now()}
		p.cfg.Store(&cfg)
		p.installMap(genShardMap(t))

		records := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Record {
			r := Record{
				// Keys repeat, with and without an explicit hash key, as well as differ.
				PartitionKey: rapid.OneOf(rapid.StringN(1, 40, -1), rapid.SampledFrom([]string{"a", "b"})).Draw(t, "key"),
				Data:         rapid.SliceOfN(rapid.Byte(), 0, 600).Draw(t, "data"),
			}
			if rapid.Bool().Draw(t, "ehk") {
				r.ExplicitHashKey = new(big.Int).SetBytes(rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "h")).String()
			}
			return r
		}), 1, 300).Draw(t, "records")

		now := time.Now()
		at := p.nanos(now)
		// The producer copies records into its shards' slabs: each is known by its arrival,
		// one nanosecond apart.
		put := map[nanotime]bool{}
		for i, r := range records {
			if err := p.checkSizes(r); err != nil {
				continue // too big for maxRec: refused at Put, never reaches a shard
			}
			h, err := p.hashKey(r)
			if err != nil {
				t.Fatalf("explicit hash key %q: %v", r.ExplicitHashKey, err)
			}
			arrival := at + nanotime(i)
			u := &userRecord{rec: r, hash: h, size: int64(len(r.Data) + len(r.PartitionKey)), arrival: arrival, deadline: at + nanotime(time.Second), expiry: at + nanotime(time.Minute)}
			put[arrival] = true
			p.route(u)
		}
		var out []*krec
		for _, s := range p.smap.Load().states {
			s.mu.Lock()
			s.sealLocked()
			out = append(out, s.queue...)
			s.mu.Unlock()
		}
		seen := 0
		// What a request sends: the aggregates are encoded then, and must come out at exactly
		// the size they were sealed (and rate-limited and batched) at.
		entries, _ := encodeRequest(out)
		for ki, k := range out {
			data := entries[ki].Data
			if k.size != len(data)+len(k.pk) || k.size > p.maxRec {
				t.Fatalf("Kinesis record sized %d bytes is %d (data) + %d (key); record limit %d", k.size, len(data), len(k.pk), p.maxRec)
			}
			for _, u := range k.users {
				if !put[u.arrival] {
					t.Fatalf("a user record appears twice or was never put")
				}
				delete(put, u.arrival)
				seen++
			}
			if !k.aggregated {
				if len(k.users) != 1 || string(data) != string(k.users[0].rec.Data) {
					t.Fatalf("raw record does not carry its one user record")
				}
				continue
			}
			if len(data) > cfg.AggregationMaxSize || len(k.users) > cfg.AggregationMaxCount {
				t.Fatalf("aggregate of %d bytes, %d records over limits %d, %d", len(data), len(k.users), cfg.AggregationMaxSize, cfg.AggregationMaxCount)
			}
			// Exactly what the KPL format's own aggregator makes of the same records: each
			// key once in its table, whichever way its records were routed.
			var a kpl.Aggregator
			for i := range k.users {
				a.Add(kpl.Record(k.users[i].rec))
			}
			if enc := a.Encode(nil); string(enc) != string(data) {
				t.Fatalf("aggregate of %d records: %d bytes, the Aggregator's encoding %d", len(k.users), len(data), len(enc))
			}
			subs, aggregated, err := kpl.Deaggregate(data)
			if err != nil || !aggregated || len(subs) != len(k.users) {
				t.Fatalf("aggregate decodes to %d records (aggregated %v, %v), want %d", len(subs), aggregated, err, len(k.users))
			}
			outer, _ := hashkey.Parse(*k.ehk)
			if !k.shard.contains(outer) {
				t.Fatalf("outer explicit hash key %s outside shard %s", *k.ehk, k.shard.id)
			}
			for i, s := range subs {
				u := k.users[i]
				if s.PartitionKey != u.rec.PartitionKey || s.ExplicitHashKey != u.rec.ExplicitHashKey || string(s.Data) != string(u.rec.Data) {
					t.Fatalf("sub-record %d does not match its user record", i)
				}
				if !k.shard.contains(u.hash) {
					t.Fatalf("sub-record %d (hash %s) outside shard %s [%s, %s]", i, u.hash, k.shard.id, k.shard.start, k.shard.end)
				}
			}
		}
		if len(put) != 0 {
			t.Fatalf("%d user records were not in any Kinesis record", len(put))
		}
	})
}
