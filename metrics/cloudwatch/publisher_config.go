package cloudwatch

import (
	"errors"
	"fmt"
	"time"
)

// PublisherGranularity is the KPL's metrics_granularity: which dimension sets each metric is
// published under. As in the KPL each level includes the coarser ones, so "shard" publishes a
// metric three times: with no dimension, with StreamName, and with StreamName and ShardId.
type PublisherGranularity string

const (
	PublisherGlobal PublisherGranularity = "global" // no dimensions
	PublisherStream PublisherGranularity = "stream" // + StreamName
	PublisherShard  PublisherGranularity = "shard"  // + StreamName, ShardId (per-shard figures)
)

func (g PublisherGranularity) level() int {
	switch g {
	case PublisherGlobal:
		return 0
	case PublisherStream:
		return 1
	case PublisherShard:
		return 2
	}
	return -1
}

// ParsePublisherGranularity reads a flag or config value.
func ParsePublisherGranularity(s string) (PublisherGranularity, error) {
	g := PublisherGranularity(s)
	if g.level() < 0 {
		return "", fmt.Errorf("metrics granularity %q: use global, stream or shard", s)
	}
	return g, nil
}

// DefaultPublisherNamespace is the KPL's namespace, so existing KPL dashboards and alarms read
// our producer's metrics unchanged.
const DefaultPublisherNamespace = "KinesisProducerLibrary"

// PublisherConfig configures a Publisher. Zero fields take the defaults noted; the zero
// value publishes nothing (Enabled is false).
//
// Cost. PutMetricData is billed per request (USD 0.01 per 1,000 in us-east-1 at the time of
// writing), so datums are batched up to the limits; but every distinct metric (name and
// dimension set) is a custom metric billed monthly (USD 0.30 each for the first 10,000), and
// the stream granularity makes about 28 (14 metrics at two levels), the shard granularity
// about 7 more per shard, plus two per error code seen. That is why
// publishing is off unless asked for and the default granularity is "stream", where the KPL's
// default is "shard".
type PublisherConfig struct {
	// Enabled switches publishing on. Default false.
	Enabled bool
	// StreamName is the StreamName dimension; required for the stream and shard granularities.
	StreamName string
	// Namespace of the metrics. Default "KinesisProducerLibrary", like the KPL.
	Namespace string
	// Granularity: global, stream (default) or shard.
	Granularity PublisherGranularity
	// Agent, when set, is the value of an Agent dimension added to every datum (shardstorm
	// agents: `run --agent`), so an agent's series never mix with another agent's or with a KPL
	// application's plain series, and a reader can sum a fleet or show it per agent. Several
	// agents on one host need distinct names. Default "": no Agent dimension, as the KPL.
	Agent string
	// Interval between publications; each publishes what changed since the last one. Default
	// 60 s, as the KPL uploads per-minute statistics; 1 s against the emulator.
	Interval time.Duration
	// StorageResolution of the datums: 60 (default, standard resolution) or 1 (high
	// resolution, for the emulator).
	StorageResolution int32
	// Timeout bounds one publication (all its calls). Default 30 s.
	Timeout time.Duration
	// MaxPending bounds the datums kept for retry while CloudWatch fails (the oldest go
	// first and are counted as dropped). Default 20,000: 20 full calls.
	MaxPending int
	// BackoffMax caps the wait after failures. Default 10 × Interval, within [30 s, 10 min].
	BackoffMax time.Duration
	// UnavailableAfter is how many consecutive failures turn Degraded into Unavailable.
	// Default 3.
	UnavailableAfter int
	// Now is the clock that stamps datums (tests pass the emulator's). Default time.Now.
	Now func() time.Time
}

// DefaultPublisherConfig is an enabled configuration for stream, with interval and storage
// resolution chosen from the endpoint override ("" for AWS).
func DefaultPublisherConfig(stream, endpointOverride string) PublisherConfig {
	c := PublisherConfig{Enabled: true, StreamName: stream}
	if endpointOverride != "" {
		c.Interval, c.StorageResolution = time.Second, 1
	}
	return c.withDefaults()
}

func (c PublisherConfig) withDefaults() PublisherConfig {
	if c.Namespace == "" {
		c.Namespace = DefaultPublisherNamespace
	}
	if c.Granularity == "" {
		c.Granularity = PublisherStream
	}
	if c.Interval == 0 {
		c.Interval = time.Minute
	}
	if c.StorageResolution == 0 {
		c.StorageResolution = 60
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxPending == 0 {
		c.MaxPending = 20 * maxDatumsPerPut
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = defaultBackoffMax(c.Interval)
	}
	if c.UnavailableAfter == 0 {
		c.UnavailableAfter = defaultUnavailableAfter
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports a configuration the publisher cannot run with. A disabled one is valid:
// it never runs.
func (c PublisherConfig) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.Granularity.level() < 0 {
		errs = append(errs, fmt.Errorf("Granularity %q: use global, stream or shard", c.Granularity))
	}
	if len(c.Agent) > 255 {
		errs = append(errs, fmt.Errorf("Agent %.20q…: CloudWatch dimension values are at most 255 characters", c.Agent))
	}
	if c.Granularity.level() > 0 && c.StreamName == "" {
		errs = append(errs, fmt.Errorf("StreamName is required for granularity %q", c.Granularity))
	}
	if c.StorageResolution != 1 && c.StorageResolution != 60 {
		errs = append(errs, fmt.Errorf("StorageResolution %d: CloudWatch takes 1 or 60", c.StorageResolution))
	}
	if c.Interval <= 0 || c.Timeout <= 0 || c.BackoffMax <= 0 {
		errs = append(errs, errors.New("Interval, Timeout and BackoffMax must be positive"))
	}
	if c.MaxPending < 1 || c.UnavailableAfter < 1 {
		errs = append(errs, errors.New("MaxPending and UnavailableAfter must be at least 1"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("metrics: CloudWatch publisher config: %w", err)
	}
	return nil
}
