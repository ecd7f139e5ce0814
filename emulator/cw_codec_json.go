package emulator

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cwJSON is awsJson1_0 as CloudWatch serves it to the AWS JS SDK v3 and recent botocore: POST /,
// X-Amz-Target: GraniteServiceVersion20100801.<Op>, Content-Type application/x-amz-json-1.0, a
// JSON object each way. Timestamps are epoch seconds (numbers). Errors carry `__type` and
// `message`; as CloudWatch is awsQueryCompatible, the awsQuery code goes in X-Amzn-Query-Error,
// which clients sending x-amzn-query-mode: true read the error code from.
type cwJSON struct{}

const cwJSONContentType = "application/x-amz-json-1.0"

func (cwJSON) name() string                       { return "awsJson1_0" }
func (cwJSON) contentType() string                { return cwJSONContentType }
func (cwJSON) allowsGet() bool                    { return false }
func (cwJSON) checkHeaders(http.Header) *apiError { return nil }

// cwTimestampMembers are the members of CloudWatch's inputs and outputs that are timestamps:
// the JSON and query protocols carry them as numbers and ISO 8601 text, the data model as tag 1.
var cwTimestampMembers = map[string]bool{"StartTime": true, "EndTime": true, "Timestamp": true, "Timestamps": true}

func (cwJSON) decode(op string, body []byte, _ *http.Request) (string, cbor.Map, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return op, cbor.Map{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return op, nil, cwErrSerialization("The request body is not valid JSON: %v.", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return op, nil, cwErrSerialization("The request body must be a JSON object (the input structure).")
	}
	m, err := jsonToCBOR(obj, "")
	if err != nil {
		return op, nil, err
	}
	return op, m.(cbor.Map), nil
}

// jsonToCBOR turns decoded JSON into the data model; member is the name of the member v is
// (the list's name for its items), which says whether a number is a timestamp.
func jsonToCBOR(v any, member string) (cbor.Value, *apiError) {
	switch v := v.(type) {
	case nil:
		return &cbor.Nil{}, nil
	case bool:
		return cbor.Bool(v), nil
	case string:
		return cbor.String(v), nil
	case json.Number:
		n, err := jsonNumber(v)
		if err != nil {
			return nil, cwErrSerialization("%s: %q is not a number.", member, v)
		}
		if cwTimestampMembers[member] {
			f, _ := cbor.AsFloat64(n)
			return &cbor.Tag{ID: 1, Value: cbor.Float64(f)}, nil
		}
		return n, nil
	case []any:
		out := make(cbor.List, len(v))
		for i, item := range v {
			c, err := jsonToCBOR(item, member)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(cbor.Map, len(v))
		for k, item := range v {
			c, err := jsonToCBOR(item, k)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return nil, cwErrSerialization("%s: unexpected JSON value.", member)
}

// jsonNumber keeps whole numbers whole (integer members refuse floats, as the SDKs' decoders do)
// and the rest as float64.
func jsonNumber(n json.Number) (cbor.Value, error) {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := n.Int64(); err == nil {
			if i < 0 {
				return cbor.NegInt(uint64(-i)), nil
			}
			return cbor.Uint(uint64(i)), nil
		}
	}
	f, err := n.Float64()
	return cbor.Float64(f), err
}

func (cwJSON) writeOutput(w http.ResponseWriter, _ string, out cbor.Map) {
	if out == nil {
		out = cbor.Map{} // awsJson answers an operation without output with {}
	}
	body, _ := json.Marshal(cborToJSON(out)) // only text, numbers, booleans, lists and maps
	writeCWBodyAs(w, http.StatusOK, cwJSONContentType, body)
}

func (cwJSON) writeError(w http.ResponseWriter, _ string, err *apiError) {
	setQueryErrorHeader(w.Header(), err)
	body, _ := json.Marshal(map[string]string{"__type": cwShapeID(err), "message": err.Message})
	writeCWBodyAs(w, cwErrorStatus(err), cwJSONContentType, body)
}

// cborToJSON turns the data model into values encoding/json writes: timestamps become epoch
// seconds, non-finite numbers the strings Smithy's JSON protocols use.
func cborToJSON(v cbor.Value) any {
	switch v := v.(type) {
	case cbor.Map:
		out := make(map[string]any, len(v))
		for k, item := range v {
			if isCBORNull(item) {
				continue
			}
			out[k] = cborToJSON(item)
		}
		return out
	case cbor.List:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = cborToJSON(item)
		}
		return out
	case *cbor.Tag:
		return cborToJSON(v.Value)
	case cbor.String:
		return string(v)
	case cbor.Bool:
		return bool(v)
	case cbor.Uint:
		return uint64(v)
	case cbor.NegInt:
		return -int64(v)
	case cbor.Float32:
		return jsonFloat(float64(v))
	case cbor.Float64:
		return jsonFloat(float64(v))
	}
	return nil
}

func jsonFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

func isCBORNull(v cbor.Value) bool {
	switch v.(type) {
	case nil, *cbor.Nil, *cbor.Undefined:
		return true
	}
	return false
}
