package workload

import (
	"fmt"
	"math"
	"time"
)

// Sine returns a pacer whose rate is mean + amp·sin(2πt/period): it starts at the mean, rising.
// amp ≤ mean so the rate never goes negative.
func Sine(mean, amp float64, period time.Duration) (Pacer, error) {
	if err := checkRate("sine mean rate", mean); err != nil {
		return nil, err
	}
	if math.IsNaN(amp) || amp < 0 || amp > mean {
		return nil, fmt.Errorf("sine amplitude %s: want 0..mean (%s)", fmtFloat(amp), fmtFloat(mean))
	}
	if err := checkDuration("sine period", period); err != nil {
		return nil, err
	}
	return sinePacer{mean: mean, amp: amp, period: seconds(period), name: "sine:" + fmtFloat(mean) + ":" + fmtFloat(amp) + ":" + fmtDuration(period)}, nil
}

type sinePacer struct {
	mean, amp, period float64
	name              string
}

func (p sinePacer) String() string { return p.name }

func (p sinePacer) rate(x float64) float64 { return p.mean + p.amp*math.Sin(2*math.Pi*x/p.period) }

func (p sinePacer) hits(x float64) float64 {
	return p.mean*x + p.amp*p.period/(2*math.Pi)*(1-math.Cos(2*math.Pi*x/p.period))
}

func (p sinePacer) Rate(t time.Duration) float64 { return p.rate(seconds(t)) }
func (p sinePacer) Hits(t time.Duration) float64 { return p.hits(seconds(t)) }

// At inverts hits with Newton steps kept inside a bracket (bisecting when a step leaves it, as
// happens where the rate touches zero). hits(x) ≥ mean·x and hits(x) ≤ mean·x + amp·period/π
// give the bracket.
func (p sinePacer) At(h float64) (time.Duration, bool) {
	if h <= 0 {
		return 0, true
	}
	if p.mean == 0 {
		return 0, false
	}
	lo := max(0, (h-p.amp*p.period/math.Pi)/p.mean)
	hi := h / p.mean
	x := hi
	for range 100 {
		f := p.hits(x) - h
		if f >= 0 {
			hi = x
		} else {
			lo = x
		}
		if hi-lo < 1e-10 {
			break
		}
		next := x - f/p.rate(x)
		if !(next > lo && next < hi) { // also catches NaN/Inf from a zero rate
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) < 1e-10 {
			return fromSeconds(next)
		}
		x = next
	}
	return fromSeconds(hi)
}
