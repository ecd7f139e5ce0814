package workload

import (
	"fmt"
	"time"
)

// Backpressure says how the generator hands records to a sink that may be full.
type Backpressure string

const (
	// BackpressureAuto uses TryEmit when the sink has it (a full sink costs dropped records at
	// once), else Emit.
	BackpressureAuto Backpressure = "auto"
	// BackpressureBlock always uses Emit: a full sink stalls the generator, and the records
	// whose time passes meanwhile are emitted late or, past MaxLag, dropped.
	BackpressureBlock Backpressure = "block"
)

// Defaults, as DefaultSpec returns them.
const (
	DefaultRate           = 1000
	DefaultMaxRecordBytes = 1 << 20 // Kinesis's default record limit, data + partition key
	// DefaultLateAfter tolerates the wake-up jitter of runtime timers on a busy machine.
	DefaultLateAfter = 10 * time.Millisecond
	// DefaultMaxLag: a record more than a second behind its time is dropped rather than
	// sent in a burst that would misrepresent the shape.
	DefaultMaxLag = time.Second
	// maxRecordBytesLimit is the largest MaxRecordSizeInKiB a stream can have (10 MiB).
	maxRecordBytesLimit = 10 << 20
	// minRecordBytes leaves room for the longest key plus one byte of data.
	minRecordBytes = 257
)

// Spec is a workload: what to send and on what schedule. Start from DefaultSpec; every field
// has a compact text form used by both the YAML file and the flags (see LoadSpec and
// Overrides).
type Spec struct {
	// Seed fixes keys, sizes and payloads: the same Spec and Seed give the same records in
	// the same order. 0 picks a seed at random (Generator.Seed reports it).
	Seed uint64
	// Duration is how long to run, pauses excluded; 0 runs until the context ends.
	Duration time.Duration
	// Rate is records/s for the constant shape (Shape nil, or "constant" in text).
	Rate float64
	// Shape is the rate over time; nil means constant at Rate.
	Shape Pacer
	// Keys is the partition-key strategy.
	Keys KeySpec
	// Size is the distribution of data sizes.
	Size SizeSpec
	// Payload is what the data holds.
	Payload PayloadSpec
	// MaxRecordBytes bounds data + partition key of each record (the stream's
	// MaxRecordSizeInKiB × 1024); sizes are clamped to fit. 0 means 1 MiB.
	MaxRecordBytes int
	// LateAfter: a record handed to the sink more than this after its scheduled time counts
	// as late. 0 means DefaultLateAfter.
	LateAfter time.Duration
	// MaxLag: a record whose turn comes more than this after its scheduled time is dropped
	// (counted, never sent), so a stalled sink does not get the backlog in one burst.
	// 0 means DefaultMaxLag.
	MaxLag time.Duration
	// Backpressure picks Emit or TryEmit; "" means auto.
	Backpressure Backpressure
}

// DefaultSpec returns the defaults: constant 1000 records/s, random UUID keys, 100 random bytes
// per record, 1 MiB records, late after 10 ms, dropped after 1 s behind, auto backpressure.
func DefaultSpec() Spec {
	return Spec{
		Rate:           DefaultRate,
		Keys:           KeySpec{Kind: KeysRandom},
		Payload:        PayloadSpec{Kind: PayloadRandom},
		MaxRecordBytes: DefaultMaxRecordBytes,
		LateAfter:      DefaultLateAfter,
		MaxLag:         DefaultMaxLag,
		Backpressure:   BackpressureAuto,
	}
}

// FieldError is a bad value in a spec: it names the field (the YAML key, or the flag with its
// dashes) and, for files, where it is.
type FieldError struct {
	File  string // "" for flags and Go values
	Line  int    // 0 when unknown
	Field string // e.g. "keys" or "--keys"
	Err   error
}

func (e *FieldError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Field, e.Err)
	case e.File != "":
		return fmt.Sprintf("%s: %s: %v", e.File, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// withDefaults fills the fields whose zero value means "default".
func (s Spec) withDefaults() Spec {
	if s.MaxRecordBytes == 0 {
		s.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if s.LateAfter == 0 {
		s.LateAfter = DefaultLateAfter
	}
	if s.MaxLag == 0 {
		s.MaxLag = DefaultMaxLag
	}
	if s.Backpressure == "" {
		s.Backpressure = BackpressureAuto
	}
	return s
}

// Validate checks every field and how they combine; errors are *FieldError naming the field.
func (s Spec) Validate() error {
	s = s.withDefaults()
	fe := func(field string, err error) error { return &FieldError{Field: field, Err: err} }
	if s.Duration < 0 {
		return fe("duration", fmt.Errorf("%s: want ≥ 0 (0 = until stopped)", s.Duration))
	}
	if err := checkRate("rate", s.Rate); err != nil {
		return fe("rate", err)
	}
	if err := s.Keys.Validate(); err != nil {
		return fe("keys", err)
	}
	if s.MaxRecordBytes < minRecordBytes || s.MaxRecordBytes > maxRecordBytesLimit {
		return fe("max_record_bytes", fmt.Errorf("%d: want %d..%d", s.MaxRecordBytes, minRecordBytes, maxRecordBytesLimit))
	}
	if err := s.Size.Validate(s.MaxRecordBytes); err != nil {
		return fe("record_size", err)
	}
	if err := s.Payload.Validate(); err != nil {
		return fe("payload", err)
	}
	if s.Payload.Template != "" && s.Payload.kind() != PayloadJSON {
		return fe("template", fmt.Errorf("applies to json payloads only; payload is %s", s.Payload.kind()))
	}
	if s.Payload.kind() == PayloadFile && s.Size.Kind != SizesDefault {
		return fe("record_size", fmt.Errorf("%s: file payloads send each line as it is; leave the size at auto", s.Size))
	}
	if s.LateAfter < 0 {
		return fe("late_after", fmt.Errorf("%s: want ≥ 0", s.LateAfter))
	}
	if s.MaxLag <= 0 || s.MaxLag < s.LateAfter {
		return fe("max_lag", fmt.Errorf("%s: want > 0 and ≥ late_after (%s)", s.MaxLag, s.LateAfter))
	}
	switch s.Backpressure {
	case "", BackpressureAuto, BackpressureBlock:
	default:
		return fe("backpressure", fmt.Errorf("%q: want auto or block", s.Backpressure))
	}
	return nil
}

// pacer returns the shape, constant at Rate when none is set.
func (s Spec) pacer() (Pacer, error) {
	if s.Shape != nil {
		return s.Shape, nil
	}
	return Constant(s.Rate)
}

// ShapeString is the shape's compact form ("constant" when it takes Rate).
func (s Spec) ShapeString() string {
	if s.Shape == nil {
		return "constant"
	}
	return s.Shape.String()
}
