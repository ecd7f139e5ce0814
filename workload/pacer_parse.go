package workload

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// shapeForms is quoted in errors so a user sees every form at once.
const shapeForms = "constant[:RATE] | RATE | ramp:FROM-TO:DURATION | steps:RATE@DURATION,... | " +
	"sine:MEAN:AMPLITUDE:PERIOD | periodic:MIN-MAX:DAY | bursts:BASE:PEAK:EVERY:LENGTH"

// ParseShape reads a rate shape's compact form:
//
//	constant:5000                 5000 records/s (a bare number means the same)
//	ramp:1000-10000:60s           1000 → 10000 records/s over 60 s, then hold 10000
//	steps:1000@30s,5000@30s       each rate for its duration, then hold the last
//	sine:5000:2000:60s            5000 ± 2000 records/s, period 60 s
//	periodic:500-5000:10m         a day of traffic (quiet 04:00, peak 20:00) in 10 minutes
//	bursts:1000:20000:30s:5s      1000 records/s with 5 s at 20000 closing every 30 s
//
// Rates may end in k (×1000) or M (×1000000). "constant" alone is handled by Spec (it takes
// Spec.Rate); here it is an error.
func ParseShape(s string) (Pacer, error) {
	p, err := parseShape(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("shape %q: %w", s, err)
	}
	return p, nil
}

func parseShape(s string) (Pacer, error) {
	kind, rest, _ := strings.Cut(s, ":")
	switch kind {
	case "constant":
		if rest == "" {
			return nil, fmt.Errorf("constant needs a rate: constant:RATE")
		}
		r, err := parseRate(rest)
		if err != nil {
			return nil, err
		}
		return Constant(r)
	case "ramp":
		rates, dur, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, fmt.Errorf("want ramp:FROM-TO:DURATION, e.g. ramp:1000-10000:60s")
		}
		from, to, err := parseRateRange(rates)
		if err != nil {
			return nil, err
		}
		d, err := parseDuration(dur)
		if err != nil {
			return nil, err
		}
		return Ramp(from, to, d)
	case "steps":
		if rest == "" {
			return nil, fmt.Errorf("want steps:RATE@DURATION,..., e.g. steps:1000@30s,5000@30s")
		}
		var steps []Step
		for i, part := range strings.Split(rest, ",") {
			rs, ds, ok := strings.Cut(part, "@")
			if !ok {
				return nil, fmt.Errorf("step %d %q: want RATE@DURATION", i+1, part)
			}
			r, err := parseRate(rs)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", i+1, err)
			}
			d, err := parseDuration(ds)
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", i+1, err)
			}
			steps = append(steps, Step{Rate: r, For: d})
			if len(steps) > maxSteps {
				return nil, fmt.Errorf("more than %d steps", maxSteps)
			}
		}
		return Steps(steps...)
	case "sine":
		f := strings.Split(rest, ":")
		if len(f) != 3 {
			return nil, fmt.Errorf("want sine:MEAN:AMPLITUDE:PERIOD, e.g. sine:5000:2000:60s")
		}
		mean, err := parseRate(f[0])
		if err != nil {
			return nil, err
		}
		amp, err := parseRate(f[1])
		if err != nil {
			return nil, err
		}
		d, err := parseDuration(f[2])
		if err != nil {
			return nil, err
		}
		return Sine(mean, amp, d)
	case "periodic":
		rates, dur, ok := strings.Cut(rest, ":")
		if !ok {
			return nil, fmt.Errorf("want periodic:MIN-MAX:DAY, e.g. periodic:500-5000:10m")
		}
		lo, hi, err := parseRateRange(rates)
		if err != nil {
			return nil, err
		}
		d, err := parseDuration(dur)
		if err != nil {
			return nil, err
		}
		return Periodic(lo, hi, d)
	case "bursts":
		f := strings.Split(rest, ":")
		if len(f) != 4 {
			return nil, fmt.Errorf("want bursts:BASE:PEAK:EVERY:LENGTH, e.g. bursts:1000:20000:30s:5s")
		}
		base, err := parseRate(f[0])
		if err != nil {
			return nil, err
		}
		peak, err := parseRate(f[1])
		if err != nil {
			return nil, err
		}
		every, err := parseDuration(f[2])
		if err != nil {
			return nil, err
		}
		length, err := parseDuration(f[3])
		if err != nil {
			return nil, err
		}
		return Bursts(base, peak, every, length)
	}
	if r, err := parseRate(s); err == nil {
		return Constant(r)
	}
	return nil, fmt.Errorf("unknown shape; want %s", shapeForms)
}

// parseRate reads a non-negative number of records/s, with an optional k or M suffix.
func parseRate(orig string) (float64, error) {
	s, mult := orig, 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, s[:len(s)-1]
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || s == "" || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("rate %q: want a number of records/s such as 500, 2.5 or 10k", orig)
	}
	v *= mult
	if err := checkRate("rate", v); err != nil {
		return 0, err
	}
	return v, nil
}

func parseRateRange(s string) (lo, hi float64, err error) {
	// The dash is the first one not part of an exponent ("1e-3-2" is 1e-3 to 2).
	cut := -1
	for i := 1; i < len(s); i++ {
		if s[i] == '-' && s[i-1] != 'e' && s[i-1] != 'E' {
			cut = i
			break
		}
	}
	if cut < 0 {
		return 0, 0, fmt.Errorf("rates %q: want FROM-TO, e.g. 1000-10000", s)
	}
	a, b := s[:cut], s[cut+1:]
	if lo, err = parseRate(a); err != nil {
		return 0, 0, err
	}
	if hi, err = parseRate(b); err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want a Go duration such as 500ms, 30s or 2m", s)
	}
	if err := checkDuration("duration", d); err != nil {
		return 0, err
	}
	return d, nil
}
