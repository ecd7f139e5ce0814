package recordsample

import (
	"fmt"
	"time"
)

// Config says which stream to sample and how much of it the sample may cost.
type Config struct {
	Stream string // required
	// MaxShards is the most shards read at once (default 8).
	MaxShards int
	// MaxBytesPerSec is the byte budget over all sampled shards (default 2 MiB/s: one shard's
	// read capacity, spread over the stream).
	MaxBytesPerSec int64
	// Window: the figures cover the last Window of arrivals (default 60 s).
	Window time.Duration
	// TopKeys is the number of keys named per shard (default 5).
	TopKeys int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Defaults.
const (
	DefaultMaxShards      = 8
	DefaultMaxBytesPerSec = 2 << 20
	DefaultWindow         = 60 * time.Second
	DefaultTopKeys        = 5
)

// ConfigError names the Config field that is wrong.
type ConfigError struct {
	Field  string
	Reason string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("recordsample: Config.%s %s", e.Field, e.Reason)
}

// withDefaults checks cfg and fills in the defaults of fields left zero.
func (cfg Config) withDefaults() (Config, error) {
	switch {
	case cfg.Stream == "":
		return cfg, &ConfigError{"Stream", "is required"}
	case cfg.MaxShards < 0:
		return cfg, &ConfigError{"MaxShards", fmt.Sprintf("is %d: it must be at least 1 (0 takes the default %d)", cfg.MaxShards, DefaultMaxShards)}
	case cfg.MaxBytesPerSec < 0:
		return cfg, &ConfigError{"MaxBytesPerSec", fmt.Sprintf("is %d: it must be positive (0 takes the default %d)", cfg.MaxBytesPerSec, DefaultMaxBytesPerSec)}
	case cfg.Window < 0 || cfg.Window > 0 && cfg.Window < 4*time.Second:
		return cfg, &ConfigError{"Window", fmt.Sprintf("is %v: it must be at least 4s (0 takes the default %v)", cfg.Window, DefaultWindow)}
	case cfg.TopKeys < 0:
		return cfg, &ConfigError{"TopKeys", fmt.Sprintf("is %d: it must be at least 1 (0 takes the default %d)", cfg.TopKeys, DefaultTopKeys)}
	}
	if cfg.MaxShards == 0 {
		cfg.MaxShards = DefaultMaxShards
	}
	if cfg.MaxBytesPerSec == 0 {
		cfg.MaxBytesPerSec = DefaultMaxBytesPerSec
	}
	if cfg.Window == 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.TopKeys == 0 {
		cfg.TopKeys = DefaultTopKeys
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg, nil
}
