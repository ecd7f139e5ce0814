package workload

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

func genKeySpec(withShards bool) *rapid.Generator[KeySpec] {
	return rapid.Custom(func(t *rapid.T) KeySpec {
		kinds := []KeyKind{KeysRandom, KeysPool, KeysZipf, KeysHot, KeysSeq}
		if withShards {
			kinds = append(kinds, KeysEHK, KeysShard)
		}
		k := KeySpec{Kind: rapid.SampledFrom(kinds).Draw(t, "kind")}
		switch k.Kind {
		case KeysPool:
			k.Count = rapid.IntRange(1, 2000).Draw(t, "count")
		case KeysZipf:
			k.Count = rapid.IntRange(1, 2000).Draw(t, "count")
			k.Exponent = rapid.Float64Range(0.01, maxZipfExp).Draw(t, "s")
		case KeysHot:
			k.Fraction = rapid.Float64Range(0, 1).Draw(t, "f")
			if rapid.Bool().Draw(t, "pool rest") {
				k.Rest = &KeySpec{Kind: KeysPool, Count: rapid.IntRange(1, 100).Draw(t, "rest count")}
			}
		case KeysSeq:
			k.Count = rapid.IntRange(0, 100).Draw(t, "cycle")
		case KeysShard:
			k.Shard = "0"
		}
		return k
	})
}

// genShards draws a stream of 1..12 open shards with random boundaries (as after uneven
// splits and merges), covering the whole hash key space.
var genShards = rapid.Custom(func(t *rapid.T) []ShardRange {
	n := rapid.IntRange(1, 12).Draw(t, "shards")
	cuts := map[hashkey.Key]bool{}
	for len(cuts) < n-1 {
		var k hashkey.Key
		switch rapid.IntRange(0, 2).Draw(t, "cut kind") {
		case 0: // anywhere
			k = hashkey.Key{Hi: rapid.Uint64().Draw(t, "hi"), Lo: rapid.Uint64().Draw(t, "lo")}
		case 1: // very close to the bottom: tiny shards
			k = hashkey.Key{Lo: rapid.Uint64Range(1, 40).Draw(t, "lo")}
		default: // on an even split
			k = EvenShards(64)[rapid.IntRange(1, 63).Draw(t, "even")].Start
		}
		if k != (hashkey.Key{}) {
			cuts[k] = true
		}
	}
	starts := []hashkey.Key{{}}
	for k := range cuts {
		starts = append(starts, k)
	}
	slices.SortFunc(starts, hashkey.Key.Cmp)
	out := make([]ShardRange, n)
	for i, s := range starts {
		end := hashkey.Max
		if i+1 < n {
			end = starts[i+1].Sub1()
		}
		out[i] = ShardRange{ID: "shardId-" + string(rune('a'+i)), Start: s, End: end}
	}
	return out
})

func genSizeSpec(maxRecord int) *rapid.Generator[SizeSpec] {
	return rapid.Custom(func(t *rapid.T) SizeSpec {
		limit := maxRecord - 1
		switch rapid.IntRange(0, 4).Draw(t, "size kind") {
		case 0:
			return SizeSpec{}
		case 1:
			return SizeSpec{Kind: SizesFixed, Size: rapid.IntRange(1, limit).Draw(t, "size")}
		case 2:
			lo := rapid.IntRange(1, limit).Draw(t, "min")
			return SizeSpec{Kind: SizesUniform, Min: lo, Max: rapid.IntRange(lo, limit).Draw(t, "max")}
		case 3:
			return SizeSpec{Kind: SizesNormal, Mean: rapid.Float64Range(1, float64(limit)).Draw(t, "mean"), StdDev: rapid.Float64Range(0, float64(limit)).Draw(t, "sd")}
		}
		return SizeSpec{Kind: SizesLogNormal, Mean: rapid.Float64Range(1, float64(limit)).Draw(t, "mean"), StdDev: rapid.Float64Range(0, float64(limit)).Draw(t, "sd")}
	})
}

// Every record fits Kinesis: key 1..256 characters, data ≥ 1 byte, data + key ≤ the limit,
// explicit hash keys inside an open shard — whatever the strategy, sizes and limit.
func TestPropertyRecordsFitLimits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := DefaultSpec()
		spec.Seed = rapid.Uint64Range(1, math.MaxUint64).Draw(t, "seed")
		spec.MaxRecordBytes = rapid.IntRange(minRecordBytes, 64<<10).Draw(t, "max record")
		spec.Keys = genKeySpec(true).Draw(t, "keys")
		spec.Size = genSizeSpec(spec.MaxRecordBytes).Draw(t, "size")
		if rapid.Bool().Draw(t, "json") {
			spec.Payload = PayloadSpec{Kind: PayloadJSON}
		}
		shards := genShards.Draw(t, "map")
		src, err := NewSource(spec, shards)
		if err != nil {
			t.Fatalf("valid spec refused: %v", err)
		}
		for i := range 200 {
			r := src.Next(uint64(i), t0)
			if n := len([]rune(r.PartitionKey)); n < 1 || n > 256 {
				t.Fatalf("key %q has %d characters", r.PartitionKey, n)
			}
			if len(r.Data) < 1 || len(r.Data)+len(r.PartitionKey) > spec.MaxRecordBytes {
				t.Fatalf("record of %d + %d bytes, limit %d", len(r.Data), len(r.PartitionKey), spec.MaxRecordBytes)
			}
			if r.ExplicitHashKey != "" {
				hk, ok := hashkey.Parse(r.ExplicitHashKey)
				if !ok || !slices.ContainsFunc(shards, func(s ShardRange) bool { return s.Contains(hk) }) {
					t.Fatalf("explicit hash key %q in no open shard (parsed: %v)", r.ExplicitHashKey, ok)
				}
			}
		}
	})
}

// shard:N keeps every explicit hash key inside shard N's range, for any map, and
// pointsPerShard of them when the shard is that wide.
func TestPropertyShardKeysStayInShard(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shards := genShards.Draw(t, "map")
		i := rapid.IntRange(0, len(shards)-1).Draw(t, "target")
		ks, err := newKeyStrategy(KeySpec{Kind: KeysShard, Shard: strconv.Itoa(i)}, 1, 0, shards)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 * pointsPerShard {
			_, ehk := ks.next()
			hk, ok := hashkey.Parse(ehk)
			if !ok || !shards[i].Contains(hk) {
				t.Fatalf("hash key %s outside shard %d [%s, %s]", ehk, i, shards[i].Start, shards[i].End)
			}
		}
	})
}

func genPacer(t *rapid.T) Pacer {
	// Rates are 0 or at least one record every 1000 s: below that, float rounding in Hits is
	// worth more than a microsecond and the inverse check would test the arithmetic, not the
	// shape.
	rate := func(name string) float64 {
		return rapid.OneOf(rapid.Just(0.0), rapid.Float64Range(0.001, 1e5)).Draw(t, name)
	}
	dur := func(name string) time.Duration {
		return time.Duration(rapid.Int64Range(int64(time.Millisecond), int64(time.Hour)).Draw(t, name))
	}
	var (
		p   Pacer
		err error
	)
	switch rapid.IntRange(0, 5).Draw(t, "shape") {
	case 0:
		p, err = Constant(rate("rate"))
	case 1:
		p, err = Ramp(rate("from"), rate("to"), dur("over"))
	case 2:
		steps := make([]Step, rapid.IntRange(1, 6).Draw(t, "steps"))
		for i := range steps {
			steps[i] = Step{rate("step rate"), dur("step for")}
		}
		p, err = Steps(steps...)
	case 3:
		mean := rate("mean")
		p, err = Sine(mean, rapid.Float64Range(0, mean).Draw(t, "amp"), dur("period"))
	case 4:
		lo := rate("min")
		p, err = Periodic(lo, lo+rate("extra"), dur("day"))
	default:
		every := dur("every")
		length := time.Duration(rapid.Int64Range(1, int64(every)-1).Draw(t, "length"))
		p, err = Bursts(rate("base"), rate("peak"), every, length)
	}
	if err != nil {
		t.Fatalf("valid shape refused: %v", err)
	}
	return p
}

// Hits never decreases, At is its inverse, and the compact form reads back to the same shape.
func TestPropertyPacers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPacer(t)
		for range 20 {
			at := time.Duration(rapid.Int64Range(0, int64(3*time.Hour)).Draw(t, "t"))
			h := p.Hits(at)
			if h < 0 || math.IsNaN(h) {
				t.Fatalf("%s: Hits(%s) = %g", p, at, h)
			}
			if at2 := at + time.Second; p.Hits(at2) < h-1e-9*h {
				t.Fatalf("%s: Hits decreases after %s", p, at)
			}
			if h > 1 {
				back, ok := p.At(h)
				if !ok || back > at+time.Microsecond {
					t.Fatalf("%s: At(Hits(%s) = %g) = %s, %v: want ≤ %s", p, at, h, back, ok, at)
				}
				if got := p.Hits(back); got < h*(1-1e-9)-1e-6 {
					t.Fatalf("%s: Hits(At(%g)) = %g", p, h, got)
				}
			}
		}
		q, err := ParseShape(p.String())
		if err != nil || q.String() != p.String() {
			t.Fatalf("%s reads back as %v, %v", p, q, err)
		}
		for _, at := range []time.Duration{0, time.Minute, 2 * time.Hour} {
			if a, b := p.Hits(at), q.Hits(at); math.Abs(a-b) > 1e-6*max(1, a) {
				t.Fatalf("%s: read back shape differs at %s: %g vs %g", p, at, a, b)
			}
		}
	})
}

// Random control sequences never break the books: every scheduled record is emitted or
// dropped, and the sink has exactly the emitted ones.
func TestPropertyControlsKeepCountsConsistent(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		spec := constSpec(rapid.Float64Range(1, 2000).Draw(rt, "rate"))
		spec.MaxLag = time.Duration(rapid.Int64Range(int64(time.Millisecond), int64(time.Second)).Draw(rt, "max lag"))
		spec.LateAfter = spec.MaxLag / 2
		h := startGen(t, spec)
		h.settle()
		paused := false
		for range rapid.IntRange(1, 15).Draw(rt, "steps") {
			switch rapid.IntRange(0, 4).Draw(rt, "action") {
			case 0:
				h.clock.Advance(time.Duration(rapid.Int64Range(0, int64(2*time.Second)).Draw(rt, "advance")))
			case 1:
				if err := h.gen.SetRate(rapid.Float64Range(1, 5000).Draw(rt, "set rate")); err != nil {
					rt.Fatal(err)
				}
			case 2:
				if err := h.gen.MultiplyRate(rapid.Float64Range(0.1, 3).Draw(rt, "factor")); err != nil {
					rt.Fatal(err)
				}
			case 3:
				h.gen.Pause()
				paused = true
			case 4:
				h.gen.Resume()
				paused = false
			}
			if !paused {
				h.settle()
				st := h.gen.Stats()
				if st.Scheduled != st.Emitted+st.Dropped || uint64(h.sink.count()) != st.Emitted || st.Late > st.Emitted {
					rt.Fatalf("inconsistent stats %+v, sink has %d", st, h.sink.count())
				}
			}
		}
	})
}
