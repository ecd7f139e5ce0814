package cloudwatch

import (
	"errors"
	"fmt"
	"time"
)

// ShardLevel says whether the poller reads the shard-level metrics, which exist only
// while enhanced monitoring is on for the stream.
type ShardLevel int

const (
	// ShardLevelAuto asks DescribeStreamSummary on every poll which shard-level metrics
	// are enabled and queries those only (the call is free; a query for a disabled metric costs
	// the same as one that returns data).
	ShardLevelAuto ShardLevel = iota
	// ShardLevelOn queries every shard-level metric without asking: for callers that
	// know enhanced monitoring is on, or lack kinesis:DescribeStreamSummary.
	ShardLevelOn
	// ShardLevelOff reads stream-level metrics only.
	ShardLevelOff
)

// Periods: AWS/Kinesis publishes 1-minute points, so asking AWS for finer buckets buys nothing;
// the emulator keeps 1-second points, which is what makes throttling spikes visible locally.
const (
	AWSPeriod      = 60 * time.Second
	EmulatorPeriod = time.Second
)

// PeriodFor picks the period from the endpoint override: none means AWS (60 s); any
// override is taken to be the emulator or another local service (1 s).
func PeriodFor(endpointOverride string) time.Duration {
	if endpointOverride == "" {
		return AWSPeriod
	}
	return EmulatorPeriod
}

// Config configures a Poller. Zero fields take the defaults noted.
//
// Cost. GetMetricData is billed per metric requested (each MetricStat query counts once,
// however many points it returns; USD 0.01 per 1,000 in us-east-1 at the time of writing), and
// it has no free tier. The poller asks 16 stream-level queries per poll, plus up to 7 per shard
// with enhanced monitoring on. Polling AWS every 60 s — once per new 1-minute point — costs
// about 23,000 queries a day (≈ USD 0.23) for the stream, plus about 10,000 a day (≈ USD 0.10)
// per shard; polling every second would cost 60 times as much for no new data. Hence the
// 60 s default against AWS and 1 s only against a local endpoint, where queries are free.
// Failures back off exponentially (with jitter, capped) for the same reason.
type Config struct {
	StreamName string // required

	// Period is the CloudWatch period of every query, a whole number of seconds. Default 60 s
	// (AWS); use PeriodFor to get 1 s against the emulator.
	Period time.Duration
	// Interval is the time between polls. Default: Period (one poll per new point).
	Interval time.Duration
	// Timeout bounds one poll (all its GetMetricData pages). Default 30 s.
	Timeout time.Duration
	// History is how many points are kept per metric: fixed memory whatever the uptime.
	// Default 120 (2 hours of 1-minute points, 2 minutes of 1-second points).
	History int
	// Revisit is how many recent periods each poll reads again: CloudWatch points are revised
	// while late samples arrive (minutes, on AWS). Default 5.
	Revisit int
	// ShardLevel selects shard-level metrics: Auto (default), On or Off.
	ShardLevel ShardLevel
	// BackoffMax caps the wait after failures. Default 10 × Interval, within [30 s, 10 min].
	BackoffMax time.Duration
	// UnavailableAfter is how many consecutive failures turn Degraded into Unavailable.
	// Default 3.
	UnavailableAfter int
	// Now is the clock (tests pass the emulator's). Default time.Now.
	Now func() time.Time
}

// DefaultConfig is the configuration for stream, with the period and interval chosen
// from the endpoint override ("" for AWS).
func DefaultConfig(stream, endpointOverride string) Config {
	p := PeriodFor(endpointOverride)
	return Config{StreamName: stream, Period: p}.withDefaults()
}

func (c Config) withDefaults() Config {
	if c.Period == 0 {
		c.Period = AWSPeriod
	}
	if c.Interval == 0 {
		c.Interval = c.Period
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.History == 0 {
		c.History = 120
	}
	if c.Revisit == 0 {
		c.Revisit = 5
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

// Validate reports a configuration the poller cannot run with.
func (c Config) Validate() error {
	var errs []error
	if c.StreamName == "" {
		errs = append(errs, errors.New("StreamName is required"))
	}
	if c.Period < time.Second || c.Period%time.Second != 0 {
		errs = append(errs, fmt.Errorf("Period %v: CloudWatch periods are whole seconds, at least 1 s", c.Period))
	}
	if c.Interval <= 0 || c.Timeout <= 0 || c.BackoffMax <= 0 {
		errs = append(errs, errors.New("Interval, Timeout and BackoffMax must be positive"))
	}
	if c.History < 1 || c.Revisit < 1 || c.UnavailableAfter < 1 {
		errs = append(errs, errors.New("History, Revisit and UnavailableAfter must be at least 1"))
	}
	if c.ShardLevel < ShardLevelAuto || c.ShardLevel > ShardLevelOff {
		errs = append(errs, fmt.Errorf("ShardLevel %d is not Auto, On or Off", c.ShardLevel))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("metrics: CloudWatch poller config: %w", err)
	}
	return nil
}
