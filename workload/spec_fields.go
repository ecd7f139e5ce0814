package workload

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Field is one spec field: its name (the YAML key; FlagName gives the flag) and its usage, in
// which a `BACKQUOTED` word names the value.
type Field struct{ Name, Usage string }

// Fields lists the spec's fields in the order files and flags document them.
func Fields() []Field { return append([]Field(nil), specFields...) }

var specFields = []Field{
	{"seed", "`N` seeds keys, sizes and payloads; the same seed repeats the same records (0 = random)"},
	{"duration", "how long to run, pauses excluded: `DURATION` (0 = until stopped)"},
	{"rate", "`RATE` in records/s of the constant shape"},
	{"shape", "rate over time, `SHAPE`: " + shapeForms},
	{"keys", "partition keys, `KEYS`: " + keyForms},
	{"record_size", "data bytes per record, `SIZE`: " + sizeForms},
	{"max_record_bytes", "largest record in `BYTES`, data + partition key (the stream's MaxRecordSizeInKiB × 1024)"},
	{"payload", "record data, `PAYLOAD`: random | json | json:TEMPLATE | json:@PATH | file:PATH"},
	{"template", "JSON payload `TEMPLATE`, inline or @PATH (placeholders: see workload.DefaultTemplate)"},
	{"late_after", "a record sent more than this `DURATION` after its time counts as late"},
	{"max_lag", "a record more than this `DURATION` behind its time is dropped, not sent"},
	{"backpressure", "`MODE`: auto (use the sink's non-blocking TryEmit when it has one) | block (always wait)"},
}

// FlagName is the flag of a field: the name with dashes (record_size → record-size).
func FlagName(field string) string { return strings.ReplaceAll(field, "_", "-") }

// setField parses value, the compact text of one field, into s. Errors describe the value;
// callers add the field's name and position.
func setField(s *Spec, field, value string) error {
	value = strings.TrimSpace(value)
	switch field {
	case "seed":
		v, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q: want a whole number ≥ 0", value)
		}
		s.Seed = v
	case "duration":
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return fmt.Errorf("%q: want a duration ≥ 0 such as 10m or 90s (0 = until stopped)", value)
		}
		s.Duration = d
	case "rate":
		r, err := parseRate(value)
		if err != nil {
			return err
		}
		s.Rate = r
	case "shape":
		if value == "constant" {
			s.Shape = nil
			return nil
		}
		p, err := ParseShape(value)
		if err != nil {
			return err
		}
		s.Shape = p
	case "keys":
		k, err := ParseKeys(value)
		if err != nil {
			return err
		}
		s.Keys = k
	case "record_size":
		z, err := ParseSize(value)
		if err != nil {
			return err
		}
		s.Size = z
	case "max_record_bytes":
		n, err := strconv.Atoi(value)
		if err != nil || n < minRecordBytes || n > maxRecordBytesLimit {
			return fmt.Errorf("%q: want a whole number of bytes in %d..%d", value, minRecordBytes, maxRecordBytesLimit)
		}
		s.MaxRecordBytes = n
	case "payload":
		p, err := ParsePayload(value)
		if err != nil {
			return err
		}
		if p.Kind == PayloadJSON && p.Template == "" {
			p.Template = s.Payload.Template // "json" keeps a template set by the template field
		}
		s.Payload = p
	case "template":
		if value == "" {
			return fmt.Errorf("empty template")
		}
		if !strings.HasPrefix(value, "@") {
			if _, err := compileTemplate(value); err != nil {
				return err
			}
		}
		s.Payload.Template = value
	case "late_after", "max_lag":
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			// 0 would silently mean the default (Spec.withDefaults): refused, as a flag, a file
			// and a live change would otherwise disagree with what runs.
			return fmt.Errorf("%q: want a duration > 0 such as 10ms or 1s", value)
		}
		if field == "late_after" {
			s.LateAfter = d
		} else {
			s.MaxLag = d
		}
	case "backpressure":
		b := Backpressure(value)
		if b != BackpressureAuto && b != BackpressureBlock {
			return fmt.Errorf("%q: want auto or block", value)
		}
		s.Backpressure = b
	default:
		return fmt.Errorf("unknown field")
	}
	return nil
}
