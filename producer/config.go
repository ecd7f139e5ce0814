package producer

import (
	"errors"
	"fmt"
	"time"
)

// Config sets up a Producer. Options with a KPL counterpart keep the KPL's name and default;
// DefaultConfig spells every default out, and a zero field means that default.
type Config struct {
	// StreamName or StreamARN names the stream (one is required).
	StreamName string
	StreamARN  string

	// RecordMaxBufferedTime is how long a record may wait to be batched before it is sent: its
	// deadline. KPL default 100 ms.
	RecordMaxBufferedTime time.Duration
	// RecordTtl is how long a record may be retried before it fails with ErrExpired. KPL default 30 s.
	RecordTtl time.Duration

	// DisableAggregation sends every user record as its own Kinesis record instead of packing
	// records for the same shard into KPL aggregated records. The KPL's AggregationEnabled,
	// inverted so that the zero value is the KPL default (aggregation on).
	DisableAggregation bool
	// AggregationMaxCount and AggregationMaxSize bound one aggregated record. KPL defaults
	// 4294967295 and 51200 bytes.
	AggregationMaxCount int
	AggregationMaxSize  int

	// CollectionMaxCount and CollectionMaxSize bound one PutRecords request. KPL defaults 500 and
	// 5 MiB; at most 500 and RequestSizeLimit.
	CollectionMaxCount int
	CollectionMaxSize  int

	// RateLimit caps what this producer sends to each shard, in percent of the shard's limits
	// (1000 records/s and 1 MiB/s). KPL default 150.
	RateLimit float64
	// FailIfThrottled fails a throttled record at once with ErrThrottled instead of retrying it.
	// KPL default false.
	FailIfThrottled bool
	// MaxConnections bounds PutRecords requests in flight. KPL default 24.
	MaxConnections int
	// RequestTimeout bounds one PutRecords request. KPL default 6 s.
	RequestTimeout time.Duration
	// MaxRequestBytesInFlight bounds the bytes of the PutRecords requests in flight (their
	// Kinesis records' data and partition keys, as CollectionMaxSize counts them): a request
	// waits until it fits beside those in flight, as it waits for a free connection, and is made
	// smaller to fit when the collector holds more. One larger than the bound goes alone, when
	// nothing else is in flight. The records are part of MaxBufferedBytes already; what this
	// bounds is their copies on the wire, the aggregates' encodings and the request bodies
	// (base64, 4/3 of the data), which MaxConnections alone let grow to 24 requests of 5 MiB,
	// about 280 MiB, when a backlog is flushed or the service is slow to answer. Default an
	// eighth of MaxBufferedBytes, at least 8 MiB (8 MiB in flight carries 80 MiB/s at 100 ms a
	// request). (The KPL has no bound.)
	MaxRequestBytesInFlight int64

	// MaxBufferedRecords and MaxBufferedBytes bound what the producer holds (user records not
	// yet resolved, data + partition key bytes); Put blocks beyond them, TryPut fails. Defaults
	// 100,000 records and 64 MiB. (The KPL has no bound.)
	//
	// The process's memory is more than MaxBufferedBytes: the producer's state per record (about
	// 200 bytes), the requests in flight (see MaxRequestBytesInFlight), and the garbage
	// collector's headroom, which by default (GOGC=100) lets the heap grow to twice what is live
	// — under sustained overload, when the buffer stays full, about 3× MaxBufferedBytes. The
	// producer sets no process-wide GC settings; a program that is mostly this producer keeps
	// within MaxBufferedBytes + 64 MiB with a soft memory limit (debug.SetMemoryLimit or
	// GOMEMLIMIT) of MaxBufferedBytes + 48 MiB, as shardstorm run does against AWS, at the cost
	// of more frequent collections (the bench's overload cell: peak RSS 178-188 → 118-119 MiB).
	MaxBufferedRecords int
	MaxBufferedBytes   int64

	// DisableAdaptive turns adaptive limiting off. Adaptive limiting, on by default, lowers a
	// shard's rate multiplicatively when it throttles and raises it additively on success, back
	// toward RateLimit, so producers sharing a stream stop storming it. (The KPL has the hook,
	// empty.)
	DisableAdaptive bool
	// AdaptiveFloor is the lowest rate adaptive limiting goes to, in percent of the shard limits.
	// Default 10.
	AdaptiveFloor float64

	// ShardMapRefreshInterval is how often the shard map is reloaded even without evidence it
	// changed. Default 60 s.
	ShardMapRefreshInterval time.Duration

	// RequestSizeLimit is the PutRecords request size limit of the service: 10 MiB (5 MiB before
	// October 2025). Default 10 MiB.
	RequestSizeLimit int

	// Hooks observe the producer (see Hook). Each must implement at least one hook interface;
	// Validate refuses one that implements none. They are fixed at New; Reconfigure ignores
	// changes.
	Hooks []Hook
}

// Defaults (KPL's where it has one).
const (
	DefaultRecordMaxBufferedTime   = 100 * time.Millisecond
	DefaultRecordTtl               = 30 * time.Second
	DefaultAggregationMaxCount     = 4294967295
	DefaultAggregationMaxSize      = 51200
	DefaultCollectionMaxCount      = 500
	DefaultCollectionMaxSize       = 5 * mib
	DefaultRateLimit               = 150.0
	DefaultMaxConnections          = 24
	DefaultRequestTimeout          = 6 * time.Second
	DefaultMaxBufferedRecords      = 100_000
	DefaultMaxBufferedBytes        = 64 * mib
	DefaultAdaptiveFloor           = 10.0
	DefaultShardMapRefreshInterval = 60 * time.Second
	DefaultRequestSizeLimit        = 10 * mib
)

// minRequestBytesInFlight is the least default MaxRequestBytesInFlight: a small buffer bounds
// what is in flight anyway (its records are in it).
const minRequestBytesInFlight = 8 * mib

const (
	mib                  = 1 << 20
	shardBytesPerSec     = 1 << 20
	shardRecordsPerSec   = 1000
	maxRecordsPerRequest = 500
	maxPartitionKeyLen   = 256
)

// DefaultConfig returns every option at its default, for stream.
func DefaultConfig(stream string) Config {
	return Config{StreamName: stream}.withDefaults()
}

func (c Config) withDefaults() Config {
	setD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	setI := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	setD(&c.RecordMaxBufferedTime, DefaultRecordMaxBufferedTime)
	setD(&c.RecordTtl, DefaultRecordTtl)
	setI(&c.AggregationMaxCount, DefaultAggregationMaxCount)
	setI(&c.AggregationMaxSize, DefaultAggregationMaxSize)
	setI(&c.CollectionMaxCount, DefaultCollectionMaxCount)
	setI(&c.CollectionMaxSize, DefaultCollectionMaxSize)
	setI(&c.MaxConnections, DefaultMaxConnections)
	setD(&c.RequestTimeout, DefaultRequestTimeout)
	setI(&c.MaxBufferedRecords, DefaultMaxBufferedRecords)
	setD(&c.ShardMapRefreshInterval, DefaultShardMapRefreshInterval)
	setI(&c.RequestSizeLimit, DefaultRequestSizeLimit)
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.AdaptiveFloor == 0 {
		c.AdaptiveFloor = DefaultAdaptiveFloor
	}
	if c.MaxBufferedBytes == 0 {
		c.MaxBufferedBytes = DefaultMaxBufferedBytes
	}
	if c.MaxRequestBytesInFlight == 0 {
		c.MaxRequestBytesInFlight = max(c.MaxBufferedBytes/8, minRequestBytesInFlight)
	}
	return c
}

// ConfigError is one bad Config field. Validate joins one per bad field (errors.Join), so a
// caller finds them with errors.As, or walks them all (see ConfigErrors), and can name the
// field in its own terms (a command line names its flag).
type ConfigError struct {
	Field  string // the Config field, e.g. "RateLimit"
	Value  any    // the refused value
	Reason string // why, e.g. "outside 1..10000%"
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("producer: %s: %s", e.Field, e.Reason)
}

// ConfigErrors returns every *ConfigError in err (as Validate returns them, joined), in order.
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

// Validate reports every bad field at once: a join of *ConfigError, one per bad field.
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, value any, format string, args ...any) {
		errs = append(errs, &ConfigError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	if c.StreamName == "" && c.StreamARN == "" {
		bad("StreamName", c.StreamName, "one of StreamName or StreamARN is required")
	}
	if c.RecordMaxBufferedTime < 0 {
		bad("RecordMaxBufferedTime", c.RecordMaxBufferedTime, "%v is negative", c.RecordMaxBufferedTime)
	}
	if c.RecordTtl < 0 {
		bad("RecordTtl", c.RecordTtl, "%v is negative", c.RecordTtl)
	}
	if c.AggregationMaxCount < 0 || c.AggregationMaxCount > DefaultAggregationMaxCount {
		bad("AggregationMaxCount", c.AggregationMaxCount, "%d outside 1..%d", c.AggregationMaxCount, DefaultAggregationMaxCount)
	}
	if c.AggregationMaxSize < 0 || c.AggregationMaxSize > 10*mib {
		bad("AggregationMaxSize", c.AggregationMaxSize, "%d outside 64..%d", c.AggregationMaxSize, 10*mib)
	} else if c.AggregationMaxSize > 0 && c.AggregationMaxSize < 64 {
		bad("AggregationMaxSize", c.AggregationMaxSize, "%d outside 64..%d", c.AggregationMaxSize, 10*mib)
	}
	if c.CollectionMaxCount < 0 || c.CollectionMaxCount > maxRecordsPerRequest {
		bad("CollectionMaxCount", c.CollectionMaxCount, "%d outside 1..%d", c.CollectionMaxCount, maxRecordsPerRequest)
	}
	if c.RequestSizeLimit < 0 || c.RequestSizeLimit > 10*mib {
		bad("RequestSizeLimit", c.RequestSizeLimit, "%d outside 1..%d (10 MiB, or 5 MiB before Oct 2025)", c.RequestSizeLimit, 10*mib)
	}
	limit := c.RequestSizeLimit
	if limit == 0 {
		limit = DefaultRequestSizeLimit
	}
	if c.CollectionMaxSize < 0 || c.CollectionMaxSize > limit {
		bad("CollectionMaxSize", c.CollectionMaxSize, "%d outside 1..RequestSizeLimit (%d)", c.CollectionMaxSize, limit)
	}
	if c.RateLimit < 0 || c.RateLimit > 10000 {
		bad("RateLimit", c.RateLimit, "%v%% outside 1..10000%%", c.RateLimit)
	}
	if c.AdaptiveFloor < 0 || (c.RateLimit > 0 && c.AdaptiveFloor > c.RateLimit) {
		bad("AdaptiveFloor", c.AdaptiveFloor, "%v%% must be between 0 and RateLimit", c.AdaptiveFloor)
	}
	if c.MaxConnections < 0 || c.MaxConnections > 1024 {
		bad("MaxConnections", c.MaxConnections, "%d outside 1..1024", c.MaxConnections)
	}
	if c.RequestTimeout < 0 {
		bad("RequestTimeout", c.RequestTimeout, "%v is negative", c.RequestTimeout)
	}
	if c.MaxRequestBytesInFlight < 0 {
		bad("MaxRequestBytesInFlight", c.MaxRequestBytesInFlight, "%d is negative", c.MaxRequestBytesInFlight)
	}
	if c.MaxBufferedRecords < 0 {
		bad("MaxBufferedRecords", c.MaxBufferedRecords, "%d is negative", c.MaxBufferedRecords)
	}
	if c.MaxBufferedBytes < 0 {
		bad("MaxBufferedBytes", c.MaxBufferedBytes, "%d is negative", c.MaxBufferedBytes)
	}
	if c.ShardMapRefreshInterval < 0 {
		bad("ShardMapRefreshInterval", c.ShardMapRefreshInterval, "%v is negative", c.ShardMapRefreshInterval)
	}
	for i, h := range c.Hooks {
		if !isHook(h) {
			bad("Hooks", h, "Hooks[%d] (%T) implements no hook interface (see Hook)", i, h)
		}
	}
	return errors.Join(errs...)
}
