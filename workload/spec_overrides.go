package workload

import (
	"fmt"
	"os"
	"strconv"
)

// Overrides are spec fields set one by one over a base spec and an optional workload file, as
// a command line sets them (--workload FILE, --keys, --rate, ...): the fields given override
// the file, which overrides the base. A program's option table (internal/app's knobs) maps
// each field to a flag, a config key and an environment variable.
type Overrides struct {
	// File is a workload file (YAML) applied over the base before the fields set.
	File string
	set  []fieldSetting // in the order given
	base Spec
}

type fieldSetting struct{ field, value string }

// NewOverrides starts from base: a program with a workload of its own (a demo) keeps it when
// no field is set, and its help shows those defaults.
func NewOverrides(base Spec) *Overrides { return &Overrides{base: base} }

// Set checks value, the compact text of field (a Fields name: "record_size"), and keeps it to
// apply over the file in Spec. The error describes the value; the caller names the field.
func (o *Overrides) Set(field, value string) error {
	scratch := DefaultSpec()
	if err := setField(&scratch, field, value); err != nil {
		return err
	}
	o.set = append(o.set, fieldSetting{field, value})
	return nil
}

// Get is the text of field: the last value set, or the base's.
func (o *Overrides) Get(field string) string {
	for i := len(o.set) - 1; i >= 0; i-- {
		if o.set[i].field == field {
			return o.set[i].value
		}
	}
	return FieldString(o.base, field)
}

// FieldString is the compact text of one field of s, as Set and a workload file take it.
func FieldString(s Spec, field string) string {
	switch field {
	case "seed":
		return strconv.FormatUint(s.Seed, 10)
	case "duration":
		return fmtDuration(s.Duration)
	case "rate":
		return strconv.FormatFloat(s.Rate, 'g', -1, 64)
	case "shape":
		return s.ShapeString()
	case "keys":
		return s.Keys.String()
	case "record_size":
		return s.Size.String()
	case "max_record_bytes":
		return strconv.Itoa(s.MaxRecordBytes)
	case "payload":
		return s.Payload.String()
	case "late_after":
		return fmtDuration(s.LateAfter)
	case "max_lag":
		return fmtDuration(s.MaxLag)
	case "backpressure":
		return string(s.Backpressure)
	}
	return "" // template: empty unless set
}

// SetField parses value, the compact text of field, into s (a live change: the caller applies
// the part it can change). The error describes the value; the caller names the field.
func SetField(s *Spec, field, value string) error { return setField(s, field, value) }

// Spec builds the spec: the base, then the workload file, then the fields set. Errors are
// *FieldError naming the flag (--record-size) or the file's field and line.
func (o *Overrides) Spec() (Spec, error) {
	spec := o.base
	var lines map[string]int
	if o.File != "" {
		data, err := os.ReadFile(o.File)
		if err != nil {
			return Spec{}, fmt.Errorf("--workload: %w", err)
		}
		if lines, err = parseYAML(&spec, o.File, data); err != nil {
			return Spec{}, err
		}
	}
	byFlag := map[string]bool{}
	for _, s := range o.set {
		if err := setField(&spec, s.field, s.value); err != nil {
			return Spec{}, &FieldError{Field: "--" + FlagName(s.field), Err: err}
		}
		byFlag[s.field] = true
	}
	if _, inFile := lines["record_size"]; spec.Payload.kind() == PayloadFile && !byFlag["record_size"] && !inFile {
		// File lines go as they are; the base's size (a demo's) is not one the user asked for,
		// so it must not refuse a file payload the user did.
		spec.Size = SizeSpec{}
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, placeError(err, o.File, lines, byFlag)
	}
	return spec, nil
}
