package workload

import (
	"fmt"
	"time"
)

// Bursts returns a pacer that sends base records/s and, for the last `length` of every `every`,
// peak records/s: steady traffic with periodic spikes, the shape that finds a producer's
// buffering and retry limits. The first burst starts at every−length.
func Bursts(base, peak float64, every, length time.Duration) (Pacer, error) {
	if err := checkRate("bursts base rate", base); err != nil {
		return nil, err
	}
	if err := checkRate("bursts peak rate", peak); err != nil {
		return nil, err
	}
	if err := checkDuration("bursts period", every); err != nil {
		return nil, err
	}
	if err := checkDuration("bursts length", length); err != nil {
		return nil, err
	}
	if length >= every {
		return nil, fmt.Errorf("bursts length %s: want less than the period %s", fmtDuration(length), fmtDuration(every))
	}
	quiet, end := seconds(every-length), seconds(every)
	pw := newPiecewise([]float64{0, quiet, quiet, end}, []float64{base, base, peak, peak}, true)
	name := "bursts:" + fmtFloat(base) + ":" + fmtFloat(peak) + ":" + fmtDuration(every) + ":" + fmtDuration(length)
	return &piecewisePacer{pw, name}, nil
}
