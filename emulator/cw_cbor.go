package emulator

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cborReader reads Smithy structures out of decoded CBOR with the rules of the SDK's own
// deserializer: null and undefined members count as absent, unknown members are ignored, and a
// member of the wrong CBOR type is an error. It keeps the first error, naming the member by its
// AWS path (MetricData.member.2.Value), and answers zero values after it, so decoders read on
// and check r.err once at the end.
type cborReader struct{ err *apiError }

func (r *cborReader) fail(path, want string, v cbor.Value) {
	if r.err == nil {
		r.err = cwErrSerialization("%s: expected %s, got %s", path, want, cborKind(v))
	}
}

// get returns m[key] unless it is absent, null or undefined.
func (r *cborReader) get(m cbor.Map, key string) (cbor.Value, bool) {
	v, ok := m[key]
	if !ok {
		return nil, false
	}
	switch v.(type) {
	case *cbor.Nil, *cbor.Undefined:
		return nil, false
	}
	return v, true
}

func (r *cborReader) str(m cbor.Map, path, key string) (string, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return "", false
	}
	return r.asString(v, cwPath(path, key))
}

func (r *cborReader) asString(v cbor.Value, path string) (string, bool) {
	s, ok := v.(cbor.String)
	if !ok {
		r.fail(path, "a text string", v)
		return "", false
	}
	return string(s), true
}

func (r *cborReader) float(m cbor.Map, path, key string) (float64, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return 0, false
	}
	return r.asFloat(v, cwPath(path, key))
}

// asFloat accepts any CBOR float, and integers a float64 holds exactly (as the spec allows a
// sender to shorten a double).
func (r *cborReader) asFloat(v cbor.Value, path string) (float64, bool) {
	f, err := cbor.AsFloat64(v)
	if err != nil {
		r.fail(path, "a number", v)
		return 0, false
	}
	return f, true
}

func (r *cborReader) int32(m cbor.Map, path, key string) (int32, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return 0, false
	}
	i, err := cbor.AsInt64(v)
	if err != nil || i < math.MinInt32 || i > math.MaxInt32 {
		r.fail(cwPath(path, key), "a 32-bit integer", v)
		return 0, false
	}
	return int32(i), true
}

func (r *cborReader) bool(m cbor.Map, path, key string) (bool, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return false, false
	}
	b, ok := v.(cbor.Bool)
	if !ok {
		r.fail(cwPath(path, key), "a boolean", v)
		return false, false
	}
	return bool(b), true
}

// time reads a timestamp: tag 1 around epoch seconds (float or integer).
func (r *cborReader) time(m cbor.Map, path, key string) (time.Time, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return time.Time{}, false
	}
	if tag, ok := v.(*cbor.Tag); ok && tag.ID == 1 {
		if f, err := cbor.AsFloat64(tag.Value); err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
			r.fail(cwPath(path, key), "a finite timestamp", v)
			return time.Time{}, false
		}
	}
	t, err := cbor.AsTime(v)
	if err != nil {
		r.fail(cwPath(path, key), "a timestamp (tag 1 around epoch seconds)", v)
		return time.Time{}, false
	}
	return t, true
}

func (r *cborReader) list(m cbor.Map, path, key string) (cbor.List, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return nil, false
	}
	l, ok := v.(cbor.List)
	if !ok {
		r.fail(cwPath(path, key), "a list", v)
		return nil, false
	}
	return l, true
}

func (r *cborReader) structure(m cbor.Map, path, key string) (cbor.Map, bool) {
	v, ok := r.get(m, key)
	if !ok {
		return nil, false
	}
	return r.asStruct(v, cwPath(path, key))
}

func (r *cborReader) asStruct(v cbor.Value, path string) (cbor.Map, bool) {
	s, ok := v.(cbor.Map)
	if !ok {
		r.fail(path, "a structure (map)", v)
		return nil, false
	}
	return s, true
}

// floatList reads a list of numbers.
func (r *cborReader) floatList(m cbor.Map, path, key string) ([]float64, bool) {
	l, ok := r.list(m, path, key)
	if !ok {
		return nil, false
	}
	out := make([]float64, 0, len(l))
	for i, v := range l {
		f, _ := r.asFloat(v, cwMember(cwPath(path, key), i))
		out = append(out, f)
	}
	return out, true
}

// cwPath joins a member name onto its parent's path.
func cwPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// cwMember names list item i the way AWS error messages do: List.member.1 is the first.
func cwMember(list string, i int) string { return list + ".member." + strconv.Itoa(i+1) }

func cborKind(v cbor.Value) string {
	switch v := v.(type) {
	case cbor.Uint, cbor.NegInt:
		return "an integer"
	case cbor.Float32, cbor.Float64:
		return "a float"
	case cbor.String:
		return "a text string"
	case cbor.Slice:
		return "a byte string"
	case cbor.List:
		return "a list"
	case cbor.Map:
		return "a map"
	case *cbor.Tag:
		return fmt.Sprintf("tag %d", v.ID)
	case cbor.Bool:
		return "a boolean"
	case *cbor.Nil, *cbor.Undefined:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
