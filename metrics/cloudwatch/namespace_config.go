package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// ListReader is what the namespace reader needs of a CloudWatch client: ListMetrics to find the
// series a KPL application or shardstorm agents publish, GetMetricData to read them.
// *cwsdk.Client has both.
type ListReader interface {
	Reader
	ListMetrics(ctx context.Context, in *cwsdk.ListMetricsInput, optFns ...func(*cwsdk.Options)) (*cwsdk.ListMetricsOutput, error)
}

// NamespaceConfig configures a NamespaceReader. Zero fields take the defaults noted.
//
// Which series are read. A KPL application publishes each metric at its granularity and every
// coarser one: with no dimension (global), with StreamName, and with StreamName and ShardId.
// The dimensionless (global) series cannot be told apart from another stream's, so they are not
// read: a KPL application at the global granularity is "none published" for every stream, and
// the Source says what was looked for. Read are, per metric, the StreamName series (stream-wide
// figures) and the StreamName+ShardId series (per-shard figures): never two levels of the same
// figure, so nothing is counted twice. Agents mode does the same with the Agent dimension
// present; an agent that publishes no StreamName series at all (`run --publish-granularity
// global`) has its Agent-only series read instead, since an agent names itself and loads one
// stream — taken to be this one.
type NamespaceConfig struct {
	// Namespace is required: "KinesisProducerLibrary" for the KPL's default, or the agents'.
	Namespace string
	// StreamName is required: the stream whose series are read.
	StreamName string
	// Agents true reads only series that carry the Agent dimension (shardstorm agents, `run
	// --publish-metrics`); false only series without it (a KPL application).
	Agents bool
	// Period of every query, whole seconds: 60 s for AWS, 1 s locally (PeriodFor). Default 60 s.
	Period time.Duration
	// Window is how far back each read goes. Default 10 periods.
	Window time.Duration
	// Interval between reads. Default Period.
	Interval time.Duration
	// Discover is the time between ListMetrics discoveries: new agents, shards and error codes
	// appear through it. ListMetrics is free but paged. Default 5 × Interval.
	Discover time.Duration
	// Now is the clock (tests pass the emulator's). Default time.Now.
	Now func() time.Time
}

// namespaceTimeout bounds one read: its discovery pages and GetMetricData batches.
const namespaceTimeout = 30 * time.Second

func (c NamespaceConfig) withDefaults() NamespaceConfig {
	if c.Period == 0 {
		c.Period = AWSPeriod
	}
	if c.Window == 0 {
		c.Window = 10 * c.Period
	}
	if c.Interval == 0 {
		c.Interval = c.Period
	}
	if c.Discover == 0 {
		c.Discover = 5 * c.Interval
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports a configuration the reader cannot run with, naming the field.
func (c NamespaceConfig) Validate() error {
	var errs []error
	if c.Namespace == "" {
		errs = append(errs, errors.New("Namespace is required"))
	}
	if c.StreamName == "" {
		errs = append(errs, errors.New("StreamName is required"))
	}
	if c.Period < time.Second || c.Period%time.Second != 0 {
		errs = append(errs, fmt.Errorf("Period %v: CloudWatch periods are whole seconds, at least 1 s", c.Period))
	}
	if c.Window < c.Period {
		errs = append(errs, fmt.Errorf("Window %v: at least one Period (%v)", c.Window, c.Period))
	}
	if c.Interval <= 0 {
		errs = append(errs, fmt.Errorf("Interval %v: must be positive", c.Interval))
	}
	if c.Discover <= 0 {
		errs = append(errs, fmt.Errorf("Discover %v: must be positive", c.Discover))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("metrics: CloudWatch namespace reader config: %w", err)
	}
	return nil
}
