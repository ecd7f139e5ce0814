package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
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
	m, err := jsonToCBORValue(obj, "", memberTypes{timestamps: cwTimestampMembers})
	if err != nil {
		return op, nil, cwErrSerialization("%v.", err)
	}
	return op, m.(cbor.Map), nil
}

// memberTypes names the members of a service's shapes whose JSON form hides their type:
// timestamps (numbers in JSON, tag 1 in CBOR) and blobs (base64 text in JSON, byte strings in CBOR).
type memberTypes struct{ timestamps, blobs map[string]bool }

// jsonToCBORValue turns decoded JSON (numbers as json.Number) into the CBOR data model; member is
// the name of the member v is (the list's name for its items), which with types says what a
// number or a string really is.
func jsonToCBORValue(v any, member string, types memberTypes) (cbor.Value, error) {
	switch v := v.(type) {
	case nil:
		return &cbor.Nil{}, nil
	case bool:
		return cbor.Bool(v), nil
	case string:
		if types.blobs[member] {
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return nil, fmt.Errorf("%s: not base64: %w", member, err)
			}
			return cbor.Slice(b), nil
		}
		return cbor.String(v), nil
	case json.Number:
		n, err := jsonNumber(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a number", member, v)
		}
		if types.timestamps[member] {
			f, _ := cbor.AsFloat64(n)
			return &cbor.Tag{ID: 1, Value: cbor.Float64(f)}, nil
		}
		return n, nil
	case []any:
		out := make(cbor.List, len(v))
		for i, item := range v {
			c, err := jsonToCBORValue(item, member, types)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(cbor.Map, len(v))
		for k, item := range v {
			c, err := jsonToCBORValue(item, k, types)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: unexpected JSON value %T", member, v)
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
	j, bad := cborValueToJSON(out)
	if bad != "" { // our own outputs hold only text, numbers, booleans, lists, maps and times
		cwJSON{}.writeError(w, "", newAPIError(http.StatusInternalServerError, cwInternalServiceFault, "encode the answer in JSON: it holds %s", bad))
		return
	}
	body, _ := json.Marshal(j)
	writeCWBodyAs(w, http.StatusOK, cwJSONContentType, body)
}

func (cwJSON) writeError(w http.ResponseWriter, _ string, err *apiError) {
	setQueryErrorHeader(w.Header(), err)
	body, _ := json.Marshal(map[string]string{"__type": cwShapeID(err), "message": err.Message})
	writeCWBodyAs(w, cwErrorStatus(err), cwJSONContentType, body)
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
