// Package eventually is the tests' one way to wait for something to happen: poll a condition
// until it holds or a deadline passes. Inside a testing/synctest bubble the polls and the
// deadline are on virtual time, so a wait costs no wall-clock time and ends at the same virtual
// instant on every run; outside, the deadline is a generous upper bound, never a measurement.
// Test support only: it imports nothing of the project.
package eventually

import (
	"testing"
	"time"
)

// Poll is the time between two checks.
const Poll = 10 * time.Millisecond

// True waits until cond holds, failing t ("timed out after WITHIN waiting for WHAT") if it does
// not within the given time.
func True(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	Nil(t, within, what, func() error {
		if cond() {
			return nil
		}
		return errNotYet
	})
}

// Nil waits until check returns nil, failing t with check's last error if it does not within
// the given time. It returns how long the wait took (virtual time in a bubble).
func Nil(t testing.TB, within time.Duration, what string, check func() error) time.Duration {
	t.Helper()
	return NilEvery(t, within, Poll, what, check)
}

// NilEvery is Nil checking every the given interval: for checks that cost a process (a tmux
// screen capture) or a service call.
func NilEvery(t testing.TB, within, every time.Duration, what string, check func() error) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := start.Add(within)
	for {
		err := check()
		if err == nil {
			return time.Since(start)
		}
		if !time.Now().Before(deadline) {
			if err == errNotYet {
				t.Fatalf("timed out after %v waiting for %s", within, what)
			} else {
				t.Fatalf("timed out after %v waiting for %s: %v", within, what, err)
			}
			return time.Since(start)
		}
		time.Sleep(every)
	}
}

type notYet struct{}

func (notYet) Error() string { return "not yet" }

var errNotYet error = notYet{}
