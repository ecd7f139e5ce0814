package workload

import (
	"fmt"
	"strings"
	"time"
)

// PayloadKind names what goes in a record's data.
type PayloadKind string

// Payload kinds.
const (
	// PayloadRandom: random bytes (incompressible, so byte limits are hit exactly).
	PayloadRandom PayloadKind = "random"
	// PayloadJSON: a JSON object built from Template (DefaultTemplate when empty) with fake
	// names, ids, timestamps and numbers: what most streams carry.
	PayloadJSON PayloadKind = "json"
	// PayloadFile: the lines of the file at Path, in order, cycled.
	PayloadFile PayloadKind = "file"
)

// PayloadSpec describes record data. The zero value is random bytes.
type PayloadSpec struct {
	Kind PayloadKind
	// Template is the JSON template (see DefaultTemplate for the placeholders), or "@PATH" to
	// read it from a file; "" means DefaultTemplate.
	Template string
	Path     string // file
}

// ParsePayload reads a payload's compact form: random, json, json:TEMPLATE (inline, or
// json:@PATH), or file:PATH.
func ParsePayload(s string) (PayloadSpec, error) {
	p, err := parsePayload(strings.TrimSpace(s))
	if err != nil {
		return PayloadSpec{}, fmt.Errorf("payload %q: %w", s, err)
	}
	return p, nil
}

func parsePayload(s string) (PayloadSpec, error) {
	kind, rest, hasArg := strings.Cut(s, ":")
	switch PayloadKind(kind) {
	case PayloadRandom:
		if hasArg {
			return PayloadSpec{}, fmt.Errorf("random takes no argument")
		}
		return PayloadSpec{Kind: PayloadRandom}, nil
	case PayloadJSON:
		p := PayloadSpec{Kind: PayloadJSON, Template: rest}
		if hasArg && rest == "" {
			return PayloadSpec{}, fmt.Errorf("empty template; want json, json:TEMPLATE or json:@PATH")
		}
		return p, p.Validate()
	case PayloadFile:
		if rest == "" {
			return PayloadSpec{}, fmt.Errorf("want file:PATH")
		}
		return PayloadSpec{Kind: PayloadFile, Path: rest}, nil
	}
	return PayloadSpec{}, fmt.Errorf("unknown payload %q; want random | json | json:TEMPLATE | json:@PATH | file:PATH", kind)
}

// Validate checks what can be checked without reading files: the kind, and an inline template.
func (p PayloadSpec) Validate() error {
	switch p.kind() {
	case PayloadRandom:
	case PayloadJSON:
		if p.Template != "" && !strings.HasPrefix(p.Template, "@") {
			if _, err := compileTemplate(p.Template); err != nil {
				return err
			}
		}
	case PayloadFile:
		if p.Path == "" {
			return fmt.Errorf("payload file: no path")
		}
	default:
		return fmt.Errorf("unknown payload kind %q", p.Kind)
	}
	return nil
}

func (p PayloadSpec) kind() PayloadKind {
	if p.Kind == "" {
		return PayloadRandom
	}
	return p.Kind
}

// String is the compact form ParsePayload reads back.
func (p PayloadSpec) String() string {
	switch p.kind() {
	case PayloadJSON:
		if p.Template != "" {
			return "json:" + p.Template
		}
		return "json"
	case PayloadFile:
		return "file:" + p.Path
	}
	return "random"
}

// payloadGen makes record data. make returns a fresh slice the sink may keep: size is the
// drawn size (0 = the payload's natural size), maxData the most the record can hold, index the
// record's place in the schedule and due its scheduled time (for {{seq}} and {{timestamp}}).
// Generator goroutine only.
type payloadGen interface {
	make(size, maxData int, index uint64, due time.Time) []byte
}

// payloadRecycler is a payloadGen that can reuse the data of a record the sink refused (and so
// did not keep).
type payloadRecycler interface {
	recycle(data []byte)
}

// newPayloadGen builds the generator for p, reading files now so a bad path fails at start.
func newPayloadGen(p PayloadSpec, seed uint64, maxRecordBytes int) (payloadGen, error) {
	switch p.kind() {
	case PayloadJSON:
		return newJSONPayload(p.Template, seed)
	case PayloadFile:
		return newFilePayload(p.Path, maxRecordBytes)
	}
	return newRandomPayload(seed), nil
}
