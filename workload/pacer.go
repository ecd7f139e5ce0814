package workload

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// Pacer is a rate shape: it answers, from time since the start alone, how many records are due
// by then (Hits) and when a given count falls due (At). The generator schedules every record
// from these answers, never from how fast the sink answers, so a slow sink cannot hide load it
// failed to take (no coordinated omission). Implementations are immutable values.
type Pacer interface {
	// Rate is the target rate in records/s at time t since the shape started.
	Rate(t time.Duration) float64
	// Hits is ∫₀ᵗ Rate: how many records are due by t (fractional).
	Hits(t time.Duration) float64
	// At is the earliest t with Hits(t) ≥ h; ok is false if that never happens (the rate
	// falls to zero for good before h records are due).
	At(h float64) (t time.Duration, ok bool)
	// String is the compact form ParseShape reads back.
	String() string
}

const (
	// MaxRate bounds every rate so schedules stay within float64 and Duration precision over
	// long runs; it is far above what one process can send.
	MaxRate = 10_000_000
	// maxShapeDuration bounds durations in shapes so conversions to nanoseconds cannot overflow.
	maxShapeDuration = 1000 * time.Hour
)

func checkRate(name string, r float64) error {
	if math.IsNaN(r) || r < 0 || r > MaxRate {
		return fmt.Errorf("%s %s: want a rate in [0, %d] records/s", name, fmtFloat(r), MaxRate)
	}
	return nil
}

func checkDuration(name string, d time.Duration) error {
	if d <= 0 || d > maxShapeDuration {
		return fmt.Errorf("%s %s: want a duration in (0, %s]", name, d, maxShapeDuration)
	}
	return nil
}

// fmtFloat prints x exactly and without an exponent, so "ramp:1e-05-2:1s" never appears (the
// exponent's minus would read as the range's dash).
func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// fmtDuration prints d the way time.ParseDuration reads it, without the trailing zero units
// Duration.String adds ("1m" rather than "1m0s").
func fmtDuration(d time.Duration) string {
	s := d.String()
	for _, suffix := range []string{"m0s", "h0m"} {
		if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
			s = s[:len(s)-2]
		}
	}
	return s
}

func seconds(d time.Duration) float64 { return d.Seconds() }

// fromSeconds converts s ≥ 0 seconds to a Duration; ok is false past the Duration range.
func fromSeconds(s float64) (time.Duration, bool) {
	if math.IsNaN(s) || s > float64(math.MaxInt64)/1e9/2 {
		return 0, false
	}
	if s <= 0 {
		return 0, true
	}
	return time.Duration(math.Ceil(s * 1e9)), true
}

// piecewise is a rate that is linear between knots (t[i], r[i]); equal consecutive times make a
// step. Every shape but the sine is one of these, so Hits (trapezoids) and At (a quadratic per
// segment) are exact and written once. With period > 0 the knots span [0, period] and repeat;
// otherwise the last rate holds for ever.
type piecewise struct {
	t, r   []float64 // seconds, records/s
	cum    []float64 // cum[i] = Hits(t[i])
	period float64   // seconds; 0 = not periodic
}

func newPiecewise(t, r []float64, periodic bool) piecewise {
	p := piecewise{t: t, r: r, cum: make([]float64, len(t))}
	for i := 1; i < len(t); i++ {
		p.cum[i] = p.cum[i-1] + (t[i]-t[i-1])*(r[i-1]+r[i])/2
	}
	if periodic {
		p.period = t[len(t)-1]
	}
	return p
}

func (p *piecewise) perPeriod() float64 { return p.cum[len(p.cum)-1] }

// segment returns i with t[i] ≤ x < t[i+1], or the last index when x ≥ t[last].
func (p *piecewise) segment(x float64) int {
	i := sort.SearchFloat64s(p.t, x) // first t[i] ≥ x
	if i < len(p.t) && p.t[i] == x {
		for i+1 < len(p.t) && p.t[i+1] == x { // a step at x: the rate after it applies
			i++
		}
		return i
	}
	return i - 1
}

func (p *piecewise) fold(x float64) (cycles, local float64) {
	if p.period == 0 {
		return 0, x
	}
	cycles = math.Floor(x / p.period)
	local = x - cycles*p.period
	// x/period may round across a period boundary: keep local in [0, period).
	if local < 0 {
		cycles--
		local += p.period
	}
	if local >= p.period {
		cycles++
		local -= p.period
	}
	return cycles, min(max(local, 0), math.Nextafter(p.period, 0))
}

func (p *piecewise) rateAt(x float64) float64 {
	_, x = p.fold(max(x, 0))
	i := p.segment(x)
	if i >= len(p.t)-1 {
		return p.r[len(p.r)-1]
	}
	return p.r[i] + (p.r[i+1]-p.r[i])*(x-p.t[i])/(p.t[i+1]-p.t[i])
}

func (p *piecewise) hitsAt(x float64) float64 {
	if x <= 0 {
		return 0
	}
	cycles, x := p.fold(x)
	base := cycles * p.perPeriod()
	i := p.segment(x)
	last := len(p.t) - 1
	if i >= last {
		return base + p.cum[last] + p.r[last]*(x-p.t[last])
	}
	dx := x - p.t[i]
	return base + p.cum[i] + dx*(p.r[i]+p.rateAt(x))/2
}

func (p *piecewise) at(h float64) (float64, bool) {
	if h <= 0 {
		return 0, true
	}
	// Aim a hair low: where the rate is zero for a while, h computed as "the records due by
	// the start of the gap" may come out a rounding error above the stored sum, which would
	// put the record at the end of the gap instead of its start.
	h *= 1 - 1e-12
	base := 0.0
	if p.period > 0 {
		per := p.perPeriod()
		if per <= 0 {
			return 0, false
		}
		k := math.Floor(h / per)
		local := h - k*per
		if local <= 0 { // at a period's end (or just below, by rounding): the crossing is in the previous period
			k--
			local += per
		}
		base, h = k*p.period, min(local, per) // min: rounding must not push h past the period
	}
	last := len(p.t) - 1
	if h > p.cum[last] {
		if p.r[last] <= 0 || p.period > 0 {
			return 0, false
		}
		return base + p.t[last] + (h-p.cum[last])/p.r[last], true
	}
	j := sort.SearchFloat64s(p.cum, h) // first cum[j] ≥ h; j ≥ 1 since h > 0 = cum[0]
	i := j - 1
	for i > 0 && p.t[i] == p.t[j] {
		i--
	}
	dh := h - p.cum[i]
	length := p.t[j] - p.t[i]
	slope := (p.r[j] - p.r[i]) / length
	// r·x + slope·x²/2 = dh, in the form that stays accurate when slope is near 0.
	den := p.r[i] + math.Sqrt(math.Max(0, p.r[i]*p.r[i]+2*slope*dh))
	x := 0.0
	if den > 0 {
		x = 2 * dh / den
	}
	return base + p.t[i] + min(max(x, 0), length), true
}

// piecewisePacer adapts piecewise to Pacer; name is its compact form.
type piecewisePacer struct {
	pw   piecewise
	name string
}

func (p *piecewisePacer) Rate(t time.Duration) float64 { return p.pw.rateAt(seconds(t)) }
func (p *piecewisePacer) Hits(t time.Duration) float64 { return p.pw.hitsAt(seconds(t)) }
func (p *piecewisePacer) String() string               { return p.name }

func (p *piecewisePacer) At(h float64) (time.Duration, bool) {
	s, ok := p.pw.at(h)
	if !ok {
		return 0, false
	}
	return fromSeconds(s)
}
