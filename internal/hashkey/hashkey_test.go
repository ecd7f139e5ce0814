package hashkey

import (
	"crypto/md5"
	"math/big"
	"regexp"
	"testing"

	"pgregory.net/rapid"
)

var genKey = rapid.Custom(func(t *rapid.T) Key {
	switch rapid.IntRange(0, 3).Draw(t, "shape") {
	case 0: // small values: the fast path of Parse and String
		return Key{0, rapid.Uint64().Draw(t, "lo")}
	case 1: // next to a word boundary, where carries happen
		return Key{rapid.Uint64Range(0, 2).Draw(t, "hi"), ^uint64(0) - rapid.Uint64Range(0, 2).Draw(t, "lo")}
	case 2:
		return Max
	}
	return Key{rapid.Uint64().Draw(t, "hi"), rapid.Uint64().Draw(t, "lo")}
})

// Parse accepts exactly what Kinesis accepts as an ExplicitHashKey and reads its value.
func TestParseMatchesTheServiceRule(t *testing.T) {
	rule := regexp.MustCompile(`^(0|[1-9][0-9]{0,38})$`)
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(rapid.StringMatching(`[0-9]{0,41}`), rapid.String(), rapid.StringMatching(`[+-]?0*[0-9]{1,20}`),
			rapid.Just("340282366920938463463374607431768211455"), rapid.Just("340282366920938463463374607431768211456"),
			rapid.Just("18446744073709551615"), rapid.Just("18446744073709551616")).Draw(t, "s")
		k, ok := Parse(s)
		v, isNum := new(big.Int).SetString(s, 10)
		want := rule.MatchString(s) && isNum && v.Cmp(two128) < 0
		if ok != want {
			t.Fatalf("Parse(%q) ok=%v, want %v", s, ok, want)
		}
		if ok && k.Big().Cmp(v) != 0 {
			t.Fatalf("Parse(%q) = %s", s, k)
		}
	})
}

// Printing a key and parsing it back gives the same key, and the text is big.Int's.
func TestStringParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := genKey.Draw(t, "k")
		s := k.String()
		if s != k.Big().String() {
			t.Fatalf("%#v prints %q, big.Int says %q", k, s, k.Big())
		}
		back, ok := Parse(s)
		if !ok || back != k {
			t.Fatalf("Parse(%q) = %#v, %v; want %#v", s, back, ok, k)
		}
	})
}

// Routing a partition key is MD5 read as a 128-bit big-endian number, compared as numbers.
func TestRoutingAgreesWithBigArithmetic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pk := rapid.String().Draw(t, "partition key")
		sum := md5.Sum([]byte(pk))
		want := new(big.Int).SetBytes(sum[:])
		k := OfPartitionKey(pk)
		if k.Big().Cmp(want) != 0 {
			t.Fatalf("OfPartitionKey(%q) = %s, want %s", pk, k, want)
		}
		other := genKey.Draw(t, "other")
		if got, want := k.Cmp(other), want.Cmp(other.Big()); got != want {
			t.Fatalf("%s Cmp %s = %d, big.Int says %d", k, other, got, want)
		}
		r := Range{other, Max}
		if other.Cmp(k) > 0 {
			r = Range{Key{}, other}
		}
		if !r.Contains(k) {
			t.Fatalf("%s not in [%s, %s]", k, r.Start, r.End)
		}
	})
}

func TestAdd1Sub1AreBigArithmetic(t *testing.T) {
	one := big.NewInt(1)
	rapid.Check(t, func(t *rapid.T) {
		k := genKey.Draw(t, "k")
		if k != Max {
			if want := new(big.Int).Add(k.Big(), one); k.Add1().Big().Cmp(want) != 0 {
				t.Fatalf("%s + 1 = %s", k, k.Add1())
			}
		}
		if k != (Key{}) {
			if want := new(big.Int).Sub(k.Big(), one); k.Sub1().Big().Cmp(want) != 0 {
				t.Fatalf("%s - 1 = %s", k, k.Sub1())
			}
		}
	})
}

var genRange = rapid.Custom(func(t *rapid.T) Range {
	a, b := genKey.Draw(t, "a"), genKey.Draw(t, "b")
	if a.Cmp(b) > 0 {
		a, b = b, a
	}
	return Range{a, b}
})

// Even covers the range with n contiguous, non-empty pieces, the first n−1 of equal width.
func TestEvenTilesTheRange(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRange.Draw(t, "r")
		width := new(big.Int).Sub(r.End.Big(), r.Start.Big())
		width.Add(width, big.NewInt(1))
		most := 64 // pieces must not be empty: at most one per key
		if width.IsInt64() && width.Int64() < int64(most) {
			most = int(width.Int64())
		}
		n := rapid.IntRange(1, most).Draw(t, "n")
		parts := r.Even(n)
		if len(parts) != n || parts[0].Start != r.Start || parts[n-1].End != r.End {
			t.Fatalf("Even(%d) of [%s, %s] = %v", n, r.Start, r.End, parts)
		}
		step := new(big.Int).Div(width, big.NewInt(int64(n)))
		for i, p := range parts {
			if p.Start.Cmp(p.End) > 0 {
				t.Fatalf("piece %d [%s, %s] is empty", i, p.Start, p.End)
			}
			if i > 0 && parts[i-1].End.Add1() != p.Start {
				t.Fatalf("pieces %d and %d are not contiguous", i-1, i)
			}
			w := new(big.Int).Sub(p.End.Big(), p.Start.Big())
			if i < n-1 && w.Add(w, big.NewInt(1)).Cmp(step) != 0 {
				t.Fatalf("piece %d is %s wide, want %s", i, w, step)
			}
		}
	})
}

func TestEvenOverTheWholeSpaceIsCreateStream(t *testing.T) {
	got := Whole.Even(3)
	want := []string{"0", "113427455640312821154458202477256070485", "226854911280625642308916404954512140970"}
	for i, p := range got {
		if p.Start.String() != want[i] {
			t.Fatalf("shard %d starts at %s, want %s", i, p.Start, want[i])
		}
	}
	if got[2].End != Max {
		t.Fatalf("last shard ends at %s", got[2].End)
	}
}

// Mid splits a range of at least two keys into two non-empty halves whose widths differ by at
// most one; Share adds up to the whole space over an Even split.
func TestMidAndShare(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRange.Draw(t, "r")
		if r.Start == r.End {
			return
		}
		m := r.Mid()
		lower, upper := Range{r.Start, m.Sub1()}, Range{m, r.End}
		if !r.Contains(m) || m == r.Start {
			t.Fatalf("Mid of [%s, %s] = %s", r.Start, r.End, m)
		}
		lw := new(big.Int).Sub(lower.End.Big(), lower.Start.Big())
		uw := new(big.Int).Sub(upper.End.Big(), upper.Start.Big())
		if d := new(big.Int).Sub(uw, lw); d.Sign() < 0 || d.Cmp(big.NewInt(1)) > 0 {
			t.Fatalf("halves of [%s, %s] at %s differ by %s keys", r.Start, r.End, m, d)
		}
		n := rapid.IntRange(1, 16).Draw(t, "n")
		var sum float64
		for _, p := range Whole.Even(n) {
			sum += p.Share()
		}
		if sum < 0.999999 || sum > 1.000001 {
			t.Fatalf("shares of %d even shards add up to %v", n, sum)
		}
	})
}

// Points are distinct, ascending and strictly inside the range when it is wide enough.
func TestPointsInside(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genRange.Draw(t, "r")
		m := rapid.IntRange(1, 16).Draw(t, "m")
		pts := r.Points(m)
		if len(pts) == 0 || len(pts) > m {
			t.Fatalf("%d points, want 1..%d", len(pts), m)
		}
		for i, p := range pts {
			if !r.Contains(p) {
				t.Fatalf("point %s outside [%s, %s]", p, r.Start, r.End)
			}
			if i > 0 && pts[i-1].Cmp(p) >= 0 {
				t.Fatalf("points not ascending: %s then %s", pts[i-1], p)
			}
		}
	})
}

func BenchmarkOfPartitionKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		OfPartitionKey("user-0012345")
	}
}

func BenchmarkParseSmall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Parse("1234567890123")
	}
}
