package workload

import (
	"fmt"
	"strings"
	"time"
)

// Step is one stage of a Steps shape: Rate records/s for For.
type Step struct {
	Rate float64
	For  time.Duration
}

// maxSteps keeps a shape's knot table small.
const maxSteps = 1000

// Steps returns a pacer holding each step's rate for its duration in turn, then the last rate
// for ever (as k6's ramping stages hold their end).
func Steps(steps ...Step) (Pacer, error) {
	if len(steps) == 0 || len(steps) > maxSteps {
		return nil, fmt.Errorf("steps: want 1..%d steps, got %d", maxSteps, len(steps))
	}
	var (
		t, r  []float64
		at    time.Duration
		parts []string
	)
	for i, s := range steps {
		if err := checkRate(fmt.Sprintf("step %d rate", i+1), s.Rate); err != nil {
			return nil, err
		}
		if err := checkDuration(fmt.Sprintf("step %d duration", i+1), s.For); err != nil {
			return nil, err
		}
		t = append(t, seconds(at))
		r = append(r, s.Rate)
		at += s.For
		if at > maxShapeDuration {
			return nil, fmt.Errorf("steps: total duration over %s", maxShapeDuration)
		}
		t = append(t, seconds(at))
		r = append(r, s.Rate)
		parts = append(parts, fmtFloat(s.Rate)+"@"+fmtDuration(s.For))
	}
	return &piecewisePacer{newPiecewise(t, r, false), "steps:" + strings.Join(parts, ",")}, nil
}
