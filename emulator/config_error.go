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

// joinConfigErrors is errs as one error (nil when there are none), each still reachable with
// errors.As.
func joinConfigErrors(errs []*ConfigError) error {
	all := make([]error, len(errs))
	for i, e := range errs {
		all[i] = e
	}
	return errors.Join(all...)
}

// ValidStreamName reports whether name follows AWS's rule for stream names: 1..128 characters of
// [a-zA-Z0-9_.-].
func ValidStreamName(name string) bool { return streamNameOK(name) }

// CheckConfig lists every field New would refuse in cfg, without building anything.
func CheckConfig(cfg Config) []*ConfigError { return cfg.withDefaults().configErrors() }
