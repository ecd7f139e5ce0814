package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/aws/smithy-go/encoding/cbor"
)

// Kinesis also speaks CBOR, the AWS SDK for Java's default for it (and so the KCL's, Flink's and
// Spark's connectors'): the same awsJson1_1 operations (X-Amz-Target) with
// Content-Type application/x-amz-cbor-1.1, where blobs are CBOR byte strings and timestamps
// tag 1. The operations are written once, against JSON: a CBOR request is turned into the JSON
// the handler reads, and the handler's JSON answer (errors included) into CBOR.

const kinesisCBORContentType = "application/x-amz-cbor-1.1"

// isKinesisCBOR reports whether the request's body is CBOR.
func isKinesisCBOR(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == kinesisCBORContentType
}

// The members of Kinesis's shapes that are timestamps (tag 1 in CBOR, numbers in JSON) and blobs
// (byte strings in CBOR, base64 text in JSON).
var kinesisShapes = memberTypes{
	timestamps: map[string]bool{"ApproximateArrivalTimestamp": true, "StreamCreationTimestamp": true,
		"Timestamp": true, "ConsumerCreationTimestamp": true},
	blobs: map[string]bool{"Data": true},
}

// kinesisCBORToJSON turns a CBOR request body into the JSON the operation handlers read.
func kinesisCBORToJSON(body []byte) (out []byte, aerr *apiError) {
	if len(body) == 0 {
		return body, nil
	}
	defer func() { // smithy-go's decoder is built for AWS's answers, not hostile input
		if p := recover(); p != nil {
			out, aerr = nil, newAPIError(http.StatusBadRequest, "SerializationException", "The request body is not valid CBOR (%v).", p)
		}
	}()
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, newAPIError(http.StatusBadRequest, "SerializationException", "The request body is not valid CBOR: %v", err)
	}
	if _, ok := v.(cbor.Map); !ok {
		return nil, newAPIError(http.StatusBadRequest, "SerializationException", "The request body must be a CBOR map (the input structure), got %s.", cborKind(v))
	}
	j, bad := cborValueToJSON(v)
	if bad != "" {
		return nil, newAPIError(http.StatusBadRequest, "SerializationException", "The request body holds %s.", bad)
	}
	out, err = json.Marshal(j)
	if err != nil {
		return nil, newAPIError(http.StatusBadRequest, "SerializationException", "The request body cannot be read: %v", err)
	}
	return out, nil
}

// cborValueToJSON maps CBOR onto the values encoding/json writes, for Kinesis's CBOR requests and
// CloudWatch's awsJson1_0 answers alike: byte strings become base64 text (as the JSON protocols
// carry blobs), tag-1 timestamps epoch seconds, non-finite numbers the strings Smithy's JSON
// protocols use; null members are left out. Text that is not UTF-8 is refused, as AWS refuses it
// (bad names what).
func cborValueToJSON(v cbor.Value) (any, string) {
	switch v := v.(type) {
	case cbor.Map:
		out := make(map[string]any, len(v))
		for k, item := range v {
			if isCBORNull(item) {
				continue
			}
			j, bad := cborValueToJSON(item)
			if bad != "" {
				return nil, bad
			}
			out[k] = j
		}
		return out, ""
	case cbor.List:
		out := make([]any, len(v))
		for i, item := range v {
			j, bad := cborValueToJSON(item)
			if bad != "" {
				return nil, bad
			}
			out[i] = j
		}
		return out, ""
	case cbor.Slice:
		return base64.StdEncoding.EncodeToString(v), ""
	case cbor.String:
		if !utf8.ValidString(string(v)) {
			return nil, "a text string that is not valid UTF-8"
		}
		return string(v), ""
	case *cbor.Tag:
		if v.ID != 1 {
			return nil, "CBOR tag " + strconv.FormatUint(v.ID, 10)
		}
		f, err := cbor.AsFloat64(v.Value)
		if err != nil {
			return nil, "a timestamp that is not a number"
		}
		return jsonFloat(f), ""
	case cbor.Bool:
		return bool(v), ""
	case cbor.Uint:
		return uint64(v), ""
	case cbor.NegInt:
		return -int64(v), ""
	case cbor.Float32:
		return jsonFloat(float64(v)), ""
	case cbor.Float64:
		return jsonFloat(float64(v)), ""
	}
	return nil, cborKind(v)
}

// kinesisJSONToCBOR turns a JSON answer (an output or an error) into CBOR; member names decide
// blobs and timestamps.
func kinesisJSONToCBOR(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	c, err := jsonToCBORValue(v, "", kinesisShapes)
	if err != nil {
		return nil, err
	}
	return cbor.Encode(c), nil
}

// cborResponse holds the handler's JSON answer and sends it as CBOR when the handler is done.
type cborResponse struct {
	w      http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *cborResponse) Header() http.Header { return c.w.Header() }

func (c *cborResponse) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *cborResponse) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (read deadlines, hijacking).
func (c *cborResponse) Unwrap() http.ResponseWriter { return c.w }

// finish sends the answer in CBOR. A handler that answered nothing (its client left) sends
// nothing.
func (c *cborResponse) finish() {
	if c.status == 0 {
		return
	}
	out := c.body.Bytes()
	if len(out) > 0 {
		converted, err := kinesisJSONToCBOR(out)
		if err != nil { // our own JSON always converts: say so loudly if not
			c.status = http.StatusInternalServerError
			converted = cbor.Encode(cbor.Map{"__type": cbor.String("InternalFailure"), "message": cbor.String("encode the answer in CBOR: " + err.Error())})
		}
		out = converted
	}
	h := c.w.Header()
	h.Set("Content-Type", kinesisCBORContentType)
	h.Set("Content-Length", strconv.Itoa(len(out)))
	c.w.WriteHeader(c.status)
	_, _ = c.w.Write(out) // the client hung up: nothing left to tell it
}
