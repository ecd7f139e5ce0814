package workload

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// Flags are the workload's command-line flags: --workload FILE plus one flag per spec field
// (--keys, --shape, --record-size, ...), taking the same compact forms as the file. Flags
// given on the command line override the file.
type Flags struct {
	file string
	set  []flagSetting // in command-line order
	base Spec          // where Spec starts
}

type flagSetting struct{ field, value string }

// RegisterFlags registers the workload flags on fs; after fs.Parse, Flags.Spec returns the
// spec. A bad value fails fs.Parse with an error naming the flag.
func RegisterFlags(fs *flag.FlagSet) *Flags { return RegisterFlagsFrom(fs, DefaultSpec()) }

// RegisterFlagsFrom is RegisterFlags with another starting spec: a program with a workload of its
// own (a demo) keeps it when no workload flag is given, and its help shows those defaults.
func RegisterFlagsFrom(fs *flag.FlagSet, base Spec) *Flags {
	f := &Flags{base: base}
	fs.StringVar(&f.file, "workload", "", "workload `FILE` (YAML); flags given override its fields")
	def := base
	defaults := map[string]string{
		"seed": strconv.FormatUint(def.Seed, 10), "duration": fmtDuration(def.Duration),
		"rate": strconv.FormatFloat(def.Rate, 'g', -1, 64), "shape": def.ShapeString(),
		"keys": def.Keys.String(), "record_size": def.Size.String(), "max_record_bytes": strconv.Itoa(def.MaxRecordBytes),
		"payload": def.Payload.String(), "template": "", "late_after": fmtDuration(def.LateAfter),
		"max_lag": fmtDuration(def.MaxLag), "backpressure": string(def.Backpressure),
	}
	for _, sf := range specFields {
		fs.Var(&fieldFlag{f: f, field: sf.name, def: defaults[sf.name]}, flagName(sf.name), sf.usage)
	}
	return f
}

// fieldFlag checks a value when the flag is parsed (so the flag package names the flag in the
// error) and keeps it to apply over the file in Spec.
type fieldFlag struct {
	f          *Flags
	field, def string
}

func (v *fieldFlag) String() string {
	if v == nil || v.f == nil {
		return ""
	}
	for i := len(v.f.set) - 1; i >= 0; i-- {
		if v.f.set[i].field == v.field {
			return v.f.set[i].value
		}
	}
	return v.def
}

func (v *fieldFlag) Set(s string) error {
	scratch := DefaultSpec()
	if err := setField(&scratch, v.field, s); err != nil {
		return err
	}
	v.f.set = append(v.f.set, flagSetting{v.field, s})
	return nil
}

// Spec builds the spec: the defaults (or RegisterFlagsFrom's base), then the --workload file,
// then the flags given. Errors are *FieldError naming the flag (with dashes) or the file's field
// and line.
func (f *Flags) Spec() (Spec, error) {
	spec := f.base
	var lines map[string]int
	if f.file != "" {
		data, err := os.ReadFile(f.file)
		if err != nil {
			return Spec{}, fmt.Errorf("--workload: %w", err)
		}
		if lines, err = parseYAML(&spec, f.file, data); err != nil {
			return Spec{}, err
		}
	}
	byFlag := map[string]bool{}
	for _, s := range f.set {
		if err := setField(&spec, s.field, s.value); err != nil {
			return Spec{}, &FieldError{Field: "--" + flagName(s.field), Err: err}
		}
		byFlag[s.field] = true
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, placeError(err, f.file, lines, byFlag)
	}
	return spec, nil
}
