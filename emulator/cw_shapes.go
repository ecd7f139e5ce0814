package emulator

import (
	"unicode/utf8"

	"github.com/aws/smithy-go/encoding/cbor"
)

// Shapes shared by the CloudWatch operations: Dimension, Metric, units.

// CloudWatch's documented limits.
const (
	cwMaxNameLen           = 255 // Namespace, MetricName, dimension names
	cwMaxDimensionValueLen = 1024
	cwMaxDimensions        = 30
)

// cwStandardUnits are the values of CloudWatch's StandardUnit enum.
var cwStandardUnits = map[string]bool{
	"Seconds": true, "Microseconds": true, "Milliseconds": true,
	"Bytes": true, "Kilobytes": true, "Megabytes": true, "Gigabytes": true, "Terabytes": true,
	"Bits": true, "Kilobits": true, "Megabits": true, "Gigabits": true, "Terabits": true,
	"Percent": true, "Count": true,
	"Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true,
	"Gigabytes/Second": true, "Terabytes/Second": true,
	"Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true,
	"Count/Second": true, "None": true,
}

// readCWUnit reads an optional StandardUnit member.
func readCWUnit(r *cborReader, m cbor.Map, path string) (string, *apiError) {
	u, ok := r.str(m, path, "Unit")
	if !ok || r.err != nil {
		return "", r.err
	}
	if !cwStandardUnits[u] {
		return "", cwErrInvalidParameter("The value %s for parameter %s is invalid.", u, cwPath(path, "Unit"))
	}
	return u, nil
}

// readCWName reads a required Namespace, MetricName or dimension name: 1..255 characters.
func readCWName(r *cborReader, m cbor.Map, path, key string) (string, *apiError) {
	s, ok := r.str(m, path, key)
	if r.err != nil {
		return "", r.err
	}
	if !ok {
		return "", cwErrMissing("The parameter %s is required.", cwPath(path, key))
	}
	return s, checkCWLength(s, cwPath(path, key), cwMaxNameLen)
}

func checkCWLength(s, path string, max int) *apiError {
	if n := utf8.RuneCountInString(s); n < 1 || n > max {
		return cwErrInvalidParameter("The parameter %s must be between 1 and %d characters long (it has %d).", path, max, n)
	}
	return nil
}

// readCWDimensions reads a metric's Dimensions (each with a Name and a Value).
func readCWDimensions(r *cborReader, m cbor.Map, path string) ([]Dimension, *apiError) {
	list, _ := r.list(m, path, "Dimensions")
	if r.err != nil {
		return nil, r.err
	}
	path = cwPath(path, "Dimensions")
	if len(list) > cwMaxDimensions {
		return nil, cwErrInvalidParameter("The collection %s must not have a size greater than %d.", path, cwMaxDimensions)
	}
	dims := make([]Dimension, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, v := range list {
		item := cwMember(path, i)
		dm, _ := r.asStruct(v, item)
		name, err := readCWName(r, dm, item, "Name")
		if err != nil {
			return nil, err
		}
		value, ok := r.str(dm, item, "Value")
		if r.err != nil {
			return nil, r.err
		}
		if !ok {
			return nil, cwErrMissing("The parameter %s is required.", cwPath(item, "Value"))
		}
		if err := checkCWLength(value, cwPath(item, "Value"), cwMaxDimensionValueLen); err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, cwErrInvalidParameter("The dimension name %s appears more than once in %s.", name, path)
		}
		seen[name] = true
		dims = append(dims, Dimension{Name: name, Value: value})
	}
	return dims, nil
}

// cwMetric encodes a Metric structure.
func cwMetric(id metricID) cbor.Map {
	dims := make(cbor.List, len(id.dims))
	for i, d := range id.dims {
		dims[i] = cbor.Map{"Name": cbor.String(d.Name), "Value": cbor.String(d.Value)}
	}
	return cbor.Map{
		"Namespace":  cbor.String(id.namespace),
		"MetricName": cbor.String(id.name),
		"Dimensions": dims,
	}
}
