package workload

// Constant returns a pacer sending rate records/s for ever.
func Constant(rate float64) (Pacer, error) {
	if err := checkRate("constant rate", rate); err != nil {
		return nil, err
	}
	return &piecewisePacer{newPiecewise([]float64{0}, []float64{rate}, false), "constant:" + fmtFloat(rate)}, nil
}
