package producer

import (
	"errors"
	"fmt"
)

// Sentinel errors. A failed record's Result.Err matches exactly one of ErrExpired,
// ErrThrottled, ErrNonRetryable or ErrClosed with errors.Is; Put's own errors match
// ErrInvalidRecord, ErrBufferFull or ErrClosed.
var (
	// ErrExpired: the record was retried until RecordTtl without success.
	ErrExpired = errors.New("producer: record expired (RecordTtl reached)")
	// ErrThrottled: the record was throttled and FailIfThrottled is set.
	ErrThrottled = errors.New("producer: record throttled (FailIfThrottled)")
	// ErrNonRetryable: the service refused the record for a reason retrying cannot fix
	// (validation, missing stream, access or KMS denied).
	ErrNonRetryable = errors.New("producer: non-retryable service error")
	// ErrClosed: the producer was closed before the record could be sent, or while its request
	// was in flight (then RecordError.MaybeStored is set).
	ErrClosed = errors.New("producer: closed")
	// ErrInvalidRecord: Put refused a record that the service would refuse.
	ErrInvalidRecord = errors.New("producer: invalid record")
	// ErrBufferFull: TryPut found MaxBufferedRecords or MaxBufferedBytes reached.
	ErrBufferFull = errors.New("producer: buffer full")
)

// RecordError is the error of a failed record: its kind (one of the sentinels), and the last
// service error code and message seen for it, if any.
type RecordError struct {
	Kind    error
	Code    string
	Message string
	// MaybeStored is set when an attempt may have stored the record although it failed (the
	// result's Outcome is MaybeStored): a request timed out, broke or was abandoned by Close
	// before the service answered. Re-sending it elsewhere may duplicate it (Kinesis writes are
	// at least once); counting it lost may be wrong.
	MaybeStored bool
}

func (e *RecordError) Error() string {
	if e.Code == "" {
		return e.Kind.Error()
	}
	return fmt.Sprintf("%v: %s: %s", e.Kind, e.Code, e.Message)
}

// Unwrap makes errors.Is(err, ErrExpired) and the like work.
func (e *RecordError) Unwrap() error { return e.Kind }
