package workload

import (
	"math"
	"testing"
)

func sample(z SizeSpec, n int) (mean, sd float64, lo, hi int) {
	s := newSizer(z, 99, 0, true)
	lo, hi = math.MaxInt, 0
	var sum, sq float64
	for range n {
		v := clampSize(s.next(), DefaultMaxRecordBytes-36)
		lo, hi = min(lo, v), max(hi, v)
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean = sum / float64(n)
	return mean, math.Sqrt(sq/float64(n) - mean*mean), lo, hi
}

func TestSizeDistributions(t *testing.T) {
	const n = 200_000
	cases := []struct {
		spec         string
		mean, sd     float64
		tolM, tolS   float64 // relative
		minV, maxV   int     // bounds every draw must respect
		exactBounded bool
	}{
		{"100", 100, 0, 0, 0, 100, 100, true},
		{"uniform:100-1000", 550, 900 / math.Sqrt(12), 0.01, 0.02, 100, 1000, true},
		{"normal:500:100", 500, 100, 0.01, 0.02, 1, DefaultMaxRecordBytes, false},
		{"lognormal:800:400", 800, 400, 0.02, 0.05, 1, DefaultMaxRecordBytes, false},
	}
	for _, c := range cases {
		z, err := ParseSize(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		mean, sd, lo, hi := sample(z, n)
		if math.Abs(mean-c.mean) > c.tolM*c.mean+1e-9 {
			t.Errorf("%s: mean %.1f, want %.1f", c.spec, mean, c.mean)
		}
		if math.Abs(sd-c.sd) > c.tolS*c.sd+1e-9 {
			t.Errorf("%s: standard deviation %.1f, want %.1f", c.spec, sd, c.sd)
		}
		if lo < c.minV || hi > c.maxV || (c.exactBounded && (lo != c.minV || hi != c.maxV)) {
			t.Errorf("%s: sizes ranged %d..%d, want within %d..%d", c.spec, lo, hi, c.minV, c.maxV)
		}
	}
}

func TestSizesClampedToRecordLimit(t *testing.T) {
	spec := DefaultSpec()
	spec.Seed = 3
	spec.MaxRecordBytes = 1024
	spec.Keys = mustKeys(t, "random") // 36-character keys
	spec.Size = SizeSpec{Kind: SizesNormal, Mean: 1000, StdDev: 500}
	src, err := NewSource(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	atMax := 0
	for i := range 10_000 {
		r := src.Next(uint64(i), t0)
		if n := len(r.Data) + len(r.PartitionKey); n > 1024 || len(r.Data) < 1 {
			t.Fatalf("record of %d data bytes + %d key bytes breaks the 1024-byte limit", len(r.Data), len(r.PartitionKey))
		}
		if len(r.Data) == 1024-36 {
			atMax++
		}
	}
	if atMax < 4000 { // P(size ≥ 988) ≈ 0.51 for normal(1000, 500)
		t.Errorf("only %d records clamped at the limit; the tail must be clamped, not redrawn", atMax)
	}
}

func TestSizeSpecErrors(t *testing.T) {
	for _, bad := range []string{"0", "-5", "uniform:10-5", "uniform:0-10", "normal:500", "normal:x:1",
		"lognormal:0:1", "normal:500:-1", "gauss:1:2", "fixed:abc", "20000000", "uniform:1-99999999"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	spec := DefaultSpec()
	spec.MaxRecordBytes = 1024
	spec.Size = SizeSpec{Kind: SizesFixed, Size: 2000}
	if err := spec.Validate(); err == nil {
		t.Error("a fixed size above max_record_bytes accepted")
	}
}
