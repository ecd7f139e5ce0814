package kpl

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

const (
	benchDataLen = 100
	benchMaxSize = 51200 // the KPL's default AggregationMaxSize
)

// benchRecords makes 4096 records of 100 bytes. With keys == 0 every record has its own
// random 32-character key (a new table entry per record); otherwise they cycle through that
// many keys. A non-empty ehk is set on every record.
func benchRecords(keys int, ehk string) []Record {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]Record, 4096)
	for i := range recs {
		data := make([]byte, benchDataLen)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		var pk string
		if keys == 0 {
			pk = fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64())
		} else {
			pk = fmt.Sprintf("user-%d", i%keys)
		}
		recs[i] = Record{PartitionKey: pk, ExplicitHashKey: ehk, Data: data}
	}
	return recs
}

// BenchmarkAggregate is the producer's hot path: SizeWith against the aggregate limit, Add, and
// an Encode plus Reset whenever the next record would not fit. One op is one user record.
func BenchmarkAggregate(b *testing.B) {
	for _, bc := range []struct {
		name string
		recs []Record
	}{
		{"random-keys", benchRecords(0, "")},
		{"one-key", benchRecords(1, "")},
		{"16-keys", benchRecords(16, "")},
		{"random-keys+ehk", benchRecords(0, "170141183460469231731687303715884105728")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var a Aggregator
			buf := make([]byte, 0, benchMaxSize)
			aggregates := 0
			b.SetBytes(benchDataLen)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				r := bc.recs[i%len(bc.recs)]
				if a.SizeWith(r) > benchMaxSize {
					buf = a.Encode(buf[:0])
					a.Reset()
					aggregates++
				}
				a.Add(r)
			}
			if aggregates > 0 {
				b.ReportMetric(float64(b.N)/float64(aggregates), "records/aggregate")
			}
		})
	}
}

// BenchmarkDeaggregate decodes one full (≈51200-byte) aggregate per op.
func BenchmarkDeaggregate(b *testing.B) {
	for _, bc := range []struct {
		name string
		recs []Record
	}{
		{"random-keys", benchRecords(0, "")},
		{"one-key", benchRecords(1, "")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var a Aggregator
			for _, r := range bc.recs {
				if a.SizeWith(r) > benchMaxSize {
					break
				}
				a.Add(r)
			}
			data := a.Encode(nil)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Deaggregate(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(a.Len()), "records/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(a.Len()), "ns/record")
		})
	}
}
