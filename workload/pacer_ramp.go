package workload

import "time"

// Ramp returns a pacer whose rate moves linearly from `from` to `to` records/s over `over`,
// then holds `to`.
func Ramp(from, to float64, over time.Duration) (Pacer, error) {
	if err := checkRate("ramp start rate", from); err != nil {
		return nil, err
	}
	if err := checkRate("ramp end rate", to); err != nil {
		return nil, err
	}
	if err := checkDuration("ramp duration", over); err != nil {
		return nil, err
	}
	pw := newPiecewise([]float64{0, seconds(over)}, []float64{from, to}, false)
	return &piecewisePacer{pw, "ramp:" + fmtFloat(from) + "-" + fmtFloat(to) + ":" + fmtDuration(over)}, nil
}
