package producer

import (
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// Record is one user record.
type Record struct {
	// PartitionKey picks the shard (by its MD5) unless ExplicitHashKey is set; 1..256 characters.
	PartitionKey string
	// ExplicitHashKey, if not empty, is a decimal in [0, 2^128-1] that picks the shard instead.
	ExplicitHashKey string
	// Data is the payload. The producer keeps a reference until the record resolves (it may be
	// re-aggregated on retry): do not modify it before the callback.
	Data []byte
}

// Attempt is one try at sending a record: when, how long the request took, and the error code
// and message if it failed (empty on success).
type Attempt struct {
	Start    time.Time
	Duration time.Duration
	Code     string
	Message  string
	// Unanswered is set when the request was sent (or may have been) and no answer came: it
	// timed out, the connection broke, or Close abandoned it. The service may have stored it.
	Unanswered bool
}

// Result is how a record resolved: exactly once, success or failure.
type Result struct {
	Record Record
	// On success: where the record landed. SubSequenceNumber is its index inside the aggregated
	// record (0 for a record sent alone).
	ShardID           string
	SequenceNumber    string
	SubSequenceNumber int
	// Attempts lists every try, in order. It is the caller's to keep.
	Attempts []Attempt
	// Err is nil on success, else a *RecordError matching ErrExpired, ErrThrottled,
	// ErrNonRetryable or ErrClosed.
	Err error
}

// userRecord is the producer's state for one accepted record. It is held by value in its
// aggregate's slab (see slab.go), not pooled one by one: it is copied in when the record joins an
// aggregate (again when a retry re-buffers it), and a *userRecord points into a slab only while
// the record is being resolved or re-routed.
//
// It is what the producer holds per buffered record beside its data, 100,000 of them at most:
// its times are nanoseconds on the producer's clock (8 bytes, where a time.Time takes 24) and
// the last error is read from its attempts, which keeps it at 160 bytes (it was 240).
type userRecord struct {
	rec      Record
	hash     hashkey.Key
	size     int64 // data + partition key bytes, as buffered and as the service counts them
	arrival  nanotime
	deadline nanotime // when it should be sent
	expiry   nanotime // arrival + RecordTtl
	cb       func(Result)
	attempts []Attempt // failed attempts so far; nil until a retry
	retries  int
	// place is where the record sits in its shard's open or sealed aggregate, set when it is
	// aggregated: the request that sends the aggregate encodes it from these (kpl.PlacedWriter).
	place kpl.Placement
}

// lastError is the code and message of u's last failed attempt ("" before any).
func (u *userRecord) lastError() (code, msg string) {
	if n := len(u.attempts); n > 0 {
		return u.attempts[n-1].Code, u.attempts[n-1].Message
	}
	return "", ""
}

// nanotime is a time as nanoseconds since its producer's epoch, on the monotonic clock.
type nanotime int64

// nanos is t on p's clock.
func (p *Producer) nanos(t time.Time) nanotime { return nanotime(t.Sub(p.epoch)) }

// sinceEpoch is p.nanos(time.Now()) at half its cost: time.Since reads only the monotonic clock
// (time.Now reads the wall clock too), and Put reads it for every record (on this project's VMs
// 65 ns → 33 ns a reading). Like time.Now it follows a synctest bubble's clock.
func (p *Producer) sinceEpoch() nanotime { return nanotime(time.Since(p.epoch)) }

// timeAt is n as a time.
func (p *Producer) timeAt(n nanotime) time.Time { return p.epoch.Add(time.Duration(n)) }
