package workload

import (
	"fmt"
	"time"
)

// dayCurve is a day of typical consumer traffic, one relative level per hour from 00:00:
// quietest at 04:00, a morning rise, a lunch plateau and the peak at 20:00.
var dayCurve = [24]float64{
	0.35, 0.25, 0.18, 0.12, 0.10, 0.12, 0.22, 0.40, 0.60, 0.75, 0.85, 0.92,
	0.95, 0.93, 0.90, 0.88, 0.87, 0.88, 0.92, 0.98, 1.00, 0.90, 0.70, 0.50,
}

// Periodic returns a pacer that plays a day of traffic (dayCurve, linear between the hours)
// compressed into `day`, between min (at 04:00) and max (at 20:00) records/s, and repeats it —
// the idea of the Kinesis Data Generator's periodic mode: see a day's peaks in minutes.
func Periodic(minRate, maxRate float64, day time.Duration) (Pacer, error) {
	if err := checkRate("periodic min rate", minRate); err != nil {
		return nil, err
	}
	if err := checkRate("periodic max rate", maxRate); err != nil {
		return nil, err
	}
	if minRate > maxRate {
		return nil, fmt.Errorf("periodic rates %s-%s: min above max", fmtFloat(minRate), fmtFloat(maxRate))
	}
	if err := checkDuration("periodic day", day); err != nil {
		return nil, err
	}
	lo, hi := 0.10, 1.00 // dayCurve's extremes, mapped to min and max
	t := make([]float64, 25)
	r := make([]float64, 25)
	hour := seconds(day) / 24
	for h := range 25 {
		t[h] = float64(h) * hour
		r[h] = minRate + (maxRate-minRate)*(dayCurve[h%24]-lo)/(hi-lo)
	}
	name := "periodic:" + fmtFloat(minRate) + "-" + fmtFloat(maxRate) + ":" + fmtDuration(day)
	return &piecewisePacer{newPiecewise(t, r, true), name}, nil
}
