package emulator

import (
	"errors"
	"fmt"
)

// ConfigError is one refused Config field, typed so a command line can name its own flag for
// it instead of the field.
type ConfigError struct {
	Field  string // the Config field, e.g. "Limits.ShardBytesPerSec" or "Faults.InternalFailureRate"
	Value  any    // the refused value
	Reason string // why, e.g. "outside [0, 1]"
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("emulator: %s %v: %s", e.Field, e.Value, e.Reason)
}

// ConfigErrors returns every *ConfigError in err (as New and SetFaults return them, joined), in
// order.
func ConfigErrors(err error) []*ConfigError {
	var out []*ConfigError
	var walk func(error)
	walk = func(err error) {
		var ce *ConfigError
		switch e := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			if errors.As(err, &ce) {
				out = append(out, ce)
			}
		}
	}
	walk(err)
	return out
}

// ValidStreamName reports whether name follows AWS's rule for stream names: 1..128 characters of
// [a-zA-Z0-9_.-].
func ValidStreamName(name string) bool { return streamNameOK(name) }

// CheckConfig reports what New would refuse in cfg (every bad field, each a *ConfigError),
// without building anything.
func CheckConfig(cfg Config) error { return cfg.withDefaults().validate() }
