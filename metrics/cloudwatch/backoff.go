package cloudwatch

import (
	"math/rand/v2"
	"time"
)

// backoffAfter is the wait before the next attempt after `failures` consecutive failures:
// interval doubled per failure, capped at max, then spread over [d/2, d] ("equal jitter") so
// many agents that failed together (one outage, one IAM change) do not retry in lockstep.
// Every attempt against AWS costs money and API quota, so failures slow the loop down rather
// than speed it up.
func backoffAfter(interval, max time.Duration, failures int) time.Duration {
	if failures <= 0 {
		return interval
	}
	d := interval
	for i := 1; i < failures && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// defaultBackoffMax is the longest wait after failures, poller and publisher alike: ten
// intervals, at least 30 s, at most 10 minutes.
func defaultBackoffMax(interval time.Duration) time.Duration {
	return min(max(10*interval, 30*time.Second), 10*time.Minute)
}

// defaultUnavailableAfter is how many consecutive failures with no recent success make the
// state Unavailable.
const defaultUnavailableAfter = 3
