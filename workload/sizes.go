package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// SizeKind names a record-size distribution.
type SizeKind string

// Record-size distributions. Every draw is rounded and clamped to [1, MaxRecordBytes − len(key)]
// so a record never breaks the Kinesis limit, whatever the tail of the distribution.
const (
	// SizesDefault ("auto"): the payload's own size (JSON as built, file lines as read), or
	// 100 bytes for random payloads.
	SizesDefault SizeKind = ""
	// SizesFixed: always Size bytes.
	SizesFixed SizeKind = "fixed"
	// SizesUniform: uniform in [Min, Max].
	SizesUniform SizeKind = "uniform"
	// SizesNormal: normal with Mean and StdDev.
	SizesNormal SizeKind = "normal"
	// SizesLogNormal: log-normal whose sizes have mean Mean and standard deviation StdDev: a
	// long right tail, as real record sizes have.
	SizesLogNormal SizeKind = "lognormal"
)

// defaultRandomSize is the data size of random payloads when no size is given.
const defaultRandomSize = 100

// SizeSpec describes record data sizes in bytes (the partition key comes on top).
type SizeSpec struct {
	Kind         SizeKind
	Size         int     // fixed
	Min, Max     int     // uniform
	Mean, StdDev float64 // normal, lognormal
}

// ParseSize reads a size distribution's compact form: 100 (or fixed:100), uniform:100-1000,
// normal:MEAN:STDDEV, lognormal:MEAN:STDDEV, or auto (SizesDefault).
func ParseSize(s string) (SizeSpec, error) {
	z, err := parseSize(strings.TrimSpace(s))
	if err != nil {
		return SizeSpec{}, fmt.Errorf("record size %q: %w", s, err)
	}
	return z, nil
}

const sizeForms = "BYTES | fixed:BYTES | uniform:MIN-MAX | normal:MEAN:STDDEV | lognormal:MEAN:STDDEV | auto"

func parseSize(s string) (SizeSpec, error) {
	if s == "auto" {
		return SizeSpec{}, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		return SizeSpec{Kind: SizesFixed, Size: n}, SizeSpec{Kind: SizesFixed, Size: n}.Validate(maxRecordBytesLimit)
	}
	kind, rest, _ := strings.Cut(s, ":")
	var z SizeSpec
	switch SizeKind(kind) {
	case SizesFixed:
		n, err := parseBytes(rest)
		if err != nil {
			return z, err
		}
		z = SizeSpec{Kind: SizesFixed, Size: n}
	case SizesUniform:
		a, b, ok := strings.Cut(rest, "-")
		if !ok {
			return z, fmt.Errorf("want uniform:MIN-MAX, e.g. uniform:100-1000")
		}
		lo, err := parseBytes(a)
		if err != nil {
			return z, err
		}
		hi, err := parseBytes(b)
		if err != nil {
			return z, err
		}
		z = SizeSpec{Kind: SizesUniform, Min: lo, Max: hi}
	case SizesNormal, SizesLogNormal:
		m, sd, ok := strings.Cut(rest, ":")
		if !ok {
			return z, fmt.Errorf("want %s:MEAN:STDDEV, e.g. %s:500:100", kind, kind)
		}
		mean, err := strconv.ParseFloat(m, 64)
		if err != nil {
			return z, fmt.Errorf("mean %q: want a number of bytes", m)
		}
		dev, err := strconv.ParseFloat(sd, 64)
		if err != nil {
			return z, fmt.Errorf("standard deviation %q: want a number of bytes", sd)
		}
		z = SizeSpec{Kind: SizeKind(kind), Mean: mean, StdDev: dev}
	default:
		return z, fmt.Errorf("unknown size %q; want %s", kind, sizeForms)
	}
	return z, z.Validate(maxRecordBytesLimit)
}

func parseBytes(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("size %q: want a whole number of bytes", s)
	}
	return n, nil
}

// Validate checks the parameters against the largest record allowed: a distribution whose
// centre does not fit is a mistake, while its tail is clamped.
func (z SizeSpec) Validate(maxRecordBytes int) error {
	limit := maxRecordBytes - 1 // at least a 1-character key
	switch z.Kind {
	case SizesDefault:
	case SizesFixed:
		if z.Size < 1 || z.Size > limit {
			return fmt.Errorf("size %d: want 1..%d bytes", z.Size, limit)
		}
	case SizesUniform:
		if z.Min < 1 || z.Max > limit || z.Min > z.Max {
			return fmt.Errorf("uniform %d-%d: want 1 ≤ MIN ≤ MAX ≤ %d bytes", z.Min, z.Max, limit)
		}
	case SizesNormal, SizesLogNormal:
		if math.IsNaN(z.Mean) || z.Mean < 1 || z.Mean > float64(limit) {
			return fmt.Errorf("%s mean %s: want 1..%d bytes", z.Kind, fmtFloat(z.Mean), limit)
		}
		if math.IsNaN(z.StdDev) || z.StdDev < 0 || z.StdDev > float64(limit) {
			return fmt.Errorf("%s standard deviation %s: want 0..%d bytes", z.Kind, fmtFloat(z.StdDev), limit)
		}
	default:
		return fmt.Errorf("unknown size kind %q; want %s", z.Kind, sizeForms)
	}
	return nil
}

// String is the compact form ParseSize reads back.
func (z SizeSpec) String() string {
	switch z.Kind {
	case SizesFixed:
		return strconv.Itoa(z.Size)
	case SizesUniform:
		return "uniform:" + strconv.Itoa(z.Min) + "-" + strconv.Itoa(z.Max)
	case SizesNormal, SizesLogNormal:
		return string(z.Kind) + ":" + fmtFloat(z.Mean) + ":" + fmtFloat(z.StdDev)
	}
	return "auto"
}

// sizer draws data sizes; 0 means "the payload's natural size". Generator goroutine only.
type sizer interface{ next() int }

// newSizer builds the sampler for z; randomPayload says a default means defaultRandomSize.
func newSizer(z SizeSpec, seed, gen uint64, randomPayload bool) sizer {
	r := rand.New(newPCG(seed, streamSizes, gen))
	switch z.Kind {
	case SizesFixed:
		return fixedSize(z.Size)
	case SizesUniform:
		return uniformSize{r, z.Min, z.Max - z.Min + 1}
	case SizesNormal:
		return normalSize{r, z.Mean, z.StdDev}
	case SizesLogNormal:
		// Pick μ, σ of the underlying normal so the sizes themselves have the given mean and
		// deviation: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
		v := math.Log1p(z.StdDev * z.StdDev / (z.Mean * z.Mean))
		return logNormalSize{r, math.Log(z.Mean) - v/2, math.Sqrt(v)}
	}
	if randomPayload {
		return fixedSize(defaultRandomSize)
	}
	return fixedSize(0)
}

type fixedSize int

func (f fixedSize) next() int { return int(f) }

type uniformSize struct {
	r         *rand.Rand
	min, span int
}

func (u uniformSize) next() int { return u.min + u.r.IntN(u.span) }

type normalSize struct {
	r        *rand.Rand
	mean, sd float64
}

func (n normalSize) next() int { return roundSize(n.mean + n.sd*n.r.NormFloat64()) }

type logNormalSize struct {
	r         *rand.Rand
	mu, sigma float64
}

func (l logNormalSize) next() int { return roundSize(math.Exp(l.mu + l.sigma*l.r.NormFloat64())) }

// roundSize rounds and keeps the value inside int range; clampSize then applies the limits.
func roundSize(x float64) int {
	switch {
	case x < 1:
		return 1
	case x > math.MaxInt32:
		return math.MaxInt32
	}
	return int(math.Round(x))
}

// clampSize keeps a drawn size within [1, maxData].
func clampSize(n, maxData int) int { return min(max(n, 1), maxData) }
