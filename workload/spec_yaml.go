package workload

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Workload files are YAML: its node API keeps the line of every value, so an error can say
// "workload.yaml:7: keys: ..."; and a load tester's users know YAML from k6, Artillery and
// Kubernetes. Values use the same compact forms as the flags, so a file is a list of flags:
//
//	seed: 42
//	duration: 10m
//	shape: ramp:1000-10000:60s
//	keys: zipf:1.1:1000
//	record_size: lognormal:800:400
//	payload: json
//	template: |
//	  {"id":"{{uuid}}","user":"{{name}}","at":"{{timestamp}}","n":{{int:1:99}}}

// LoadSpecFile reads a workload file (see LoadSpec).
func LoadSpecFile(path string) (Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Spec{}, fmt.Errorf("workload file: %w", err)
	}
	return LoadSpec(path, data)
}

// LoadSpec parses a YAML workload named name (used in errors): a mapping of the spec's fields
// (Fields lists them) over DefaultSpec. Errors are *FieldError naming the field and
// line, except YAML syntax errors, which name the line.
func LoadSpec(name string, data []byte) (Spec, error) {
	spec := DefaultSpec()
	lines, err := parseYAML(&spec, name, data)
	if err != nil {
		return Spec{}, err
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, placeError(err, name, lines, nil)
	}
	return spec, nil
}

// placeError points a validation error at where its field was set: the flag that set it last,
// or its line in the file.
func placeError(err error, file string, lines map[string]int, byFlag map[string]bool) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	if _, inFile := lines["max_lag"]; fe.Field == "max_lag" && !byFlag["max_lag"] && !inFile && byFlag["late_after"] {
		fe.Field = "late_after" // max_lag is its default: the --late-after given is what clashes
	}
	if byFlag[fe.Field] {
		fe.Field = "--" + FlagName(fe.Field)
	} else if line, ok := lines[fe.Field]; ok {
		fe.File, fe.Line = file, line
	}
	return err
}

// parseYAML sets the file's fields on spec, checking each value but not how they combine, and
// returns the line of each field it set.
func parseYAML(spec *Spec, name string, data []byte) (map[string]int, error) {
	lines := map[string]int{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 { // empty file: all defaults
		return lines, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &FieldError{File: name, Line: root.Line, Field: "workload", Err: errors.New("want a mapping of fields such as \"keys: random\"")}
	}
	var template *yaml.Node // applied after payload, whatever the order in the file
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		field := k.Value
		fail := func(err error) error { return &FieldError{File: name, Line: v.Line, Field: field, Err: err} }
		if !slices.ContainsFunc(specFields, func(f Field) bool { return f.Name == field }) {
			hint := ""
			if alt := strings.ReplaceAll(field, "-", "_"); alt != field {
				hint = fmt.Sprintf(" (did you mean %s?)", alt)
			}
			return nil, &FieldError{File: name, Line: k.Line, Field: field, Err: fmt.Errorf("unknown field%s", hint)}
		}
		if _, dup := lines[field]; dup {
			return nil, &FieldError{File: name, Line: k.Line, Field: field, Err: fmt.Errorf("given twice (first on line %d)", lines[field])}
		}
		lines[field] = v.Line
		if v.Kind != yaml.ScalarNode {
			return nil, fail(errors.New("want a single value, not a list or mapping"))
		}
		if field == "template" {
			template = v
			continue
		}
		if err := setField(spec, field, v.Value); err != nil {
			return nil, fail(err)
		}
	}
	if template != nil {
		if err := setField(spec, "template", template.Value); err != nil {
			return nil, &FieldError{File: name, Line: template.Line, Field: "template", Err: err}
		}
	}
	return lines, nil
}
