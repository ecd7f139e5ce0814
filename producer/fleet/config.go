package fleet

import (
	"errors"
	"fmt"
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// API is the Kinesis operation a fleet's clients write with.
type API string

// The APIs a client can use.
const (
	PutRecords API = "PutRecords"
	PutRecord  API = "PutRecord"
)

// PutRecords bounds: 500 records, and 5 MiB a request (the limit before October 2025, which
// the SDKs and applications written against it still keep).
const (
	MaxBatchRecords = 500
	MaxBatchBytes   = 5 << 20
)

// Config sets up a Fleet. Every field must be set (Validate names the first bad one of each).
type Config struct {
	StreamName string
	API        API
	Clients    int // ≥ 1
	// Threads is how many requests each client keeps in flight (PutRecord: its threads;
	// PutRecords: usually 1).
	Threads int
	// Batch is the records per PutRecords call (1..500; a call also stays under 5 MiB);
	// PutRecord: 1.
	Batch int
	// Interval: a client sends when Batch records are buffered or Interval has passed since its
	// oldest; 0 sends whatever is buffered as soon as a thread is free.
	Interval time.Duration
	// Buffer is the records a client holds waiting for a request (offline or behind); a Put
	// beyond it blocks (Put) or fails with ErrBufferFull (TryPut). Records in flight and failed
	// entries waiting to be re-sent do not count against it.
	Buffer         int
	RequestTimeout time.Duration
	// RecordTtl: a record not acknowledged within it of its Put fails with producer.ErrExpired.
	RecordTtl    time.Duration
	Connectivity Connectivity
	// RetryBackoff is how long a PutRecords client waits before re-sending failed entries: the
	// first wait, doubled after each failed round up to 20 times it, each drawn at random
	// between half and all of it (jitter, so clients throttled together do not come back
	// together), reset by a round where every entry succeeded. 0 re-sends at once, as the
	// simplest loops do (the bench's contender, to measure that loop).
	RetryBackoff time.Duration
}

// ErrBufferFull is producer.ErrBufferFull: TryPut found the client's buffer full.
var ErrBufferFull = producer.ErrBufferFull

// Validate reports every bad field at once: a join of *producer.ConfigError (find them with
// producer.ConfigErrors), each naming its field.
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, value any, format string, args ...any) {
		errs = append(errs, &producer.ConfigError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)})
	}
	if c.StreamName == "" {
		bad("StreamName", c.StreamName, "required")
	}
	switch c.API {
	case PutRecords:
		if c.Batch < 1 || c.Batch > MaxBatchRecords {
			bad("Batch", c.Batch, "outside 1..%d", MaxBatchRecords)
		}
	case PutRecord:
		if c.Batch != 1 {
			bad("Batch", c.Batch, "PutRecord sends one record per call: must be 1")
		}
	default:
		bad("API", c.API, "neither %q nor %q", PutRecords, PutRecord)
	}
	if c.Clients < 1 {
		bad("Clients", c.Clients, "must be at least 1")
	}
	if c.Threads < 1 {
		bad("Threads", c.Threads, "must be at least 1")
	}
	if c.Interval < 0 {
		bad("Interval", c.Interval, "negative")
	}
	if c.RetryBackoff < 0 {
		bad("RetryBackoff", c.RetryBackoff, "negative")
	}
	if c.Buffer < 1 {
		bad("Buffer", c.Buffer, "must be at least 1")
	}
	if c.RequestTimeout <= 0 {
		bad("RequestTimeout", c.RequestTimeout, "must be positive")
	}
	if c.RecordTtl <= 0 {
		bad("RecordTtl", c.RecordTtl, "must be positive")
	}
	if err := c.Connectivity.validate(); err != nil {
		bad("Connectivity", c.Connectivity, "%v", err)
	}
	return errors.Join(errs...)
}
