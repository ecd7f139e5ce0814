package cli

import (
	"fmt"
	"time"
)

// check refuses flag values the emulator cannot serve with, naming the flag (exit 2): every
// value is checked before anything listens, so a bad one never turns into a panic, a hang or an
// internal field name.
func (e emulatorFlags) check() error {
	return positiveDuration("log-every", e.logEvery)
}

// positiveDuration is the rule of the interval flags: 0 and below are refused, not defaulted.
func positiveDuration(flag string, d time.Duration) error {
	if d <= 0 {
		return usageError{fmt.Errorf("--%s %s: want a positive duration, e.g. 1m", flag, d)}
	}
	return nil
}
