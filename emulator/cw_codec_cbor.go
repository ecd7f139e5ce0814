package emulator

import (
	"net/http"
	"strconv"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cwCBOR is Smithy RPCv2 CBOR: header Smithy-Protocol: rpc-v2-cbor, a CBOR map as the body, a
// CBOR map back; errors carry `__type` (the absolute shape ID of modeled errors) and `message`.
type cwCBOR struct{}

const (
	cwProtocol    = "rpc-v2-cbor"
	cwContentType = "application/cbor"
)

func (cwCBOR) name() string        { return "rpcv2Cbor" }
func (cwCBOR) contentType() string { return cwContentType }
func (cwCBOR) allowsGet() bool     { return false }

func (cwCBOR) checkHeaders(h http.Header) *apiError {
	if p := h.Get("Smithy-Protocol"); p != cwProtocol {
		return cwErrSerialization("rpcv2Cbor requests must carry the header Smithy-Protocol: %s (got %q).", cwProtocol, p)
	}
	// The spec makes servers reject these: a request must not be routable two ways.
	if h.Get("X-Amz-Target") != "" || h.Get("X-Amzn-Target") != "" {
		return cwErrSerialization("rpcv2Cbor requests must not carry X-Amz-Target or X-Amzn-Target.")
	}
	return nil
}

func (cwCBOR) decode(op string, body []byte, _ *http.Request) (string, cbor.Map, *apiError) {
	in, err := decodeCWInput(body)
	return op, in, err
}

func (cwCBOR) writeOutput(w http.ResponseWriter, _ string, out cbor.Map) { writeCWOutput(w, out) }
func (cwCBOR) writeError(w http.ResponseWriter, _ string, err *apiError) { writeCWError(w, err) }

// decodeCWInput decodes the body into the input structure. An empty body is an empty input.
func decodeCWInput(body []byte) (in cbor.Map, apiErr *apiError) {
	if len(body) == 0 {
		return cbor.Map{}, nil
	}
	// smithy-go's decoder is built for responses from AWS, not for hostile input: should it ever
	// panic on some byte sequence, answer that as the malformed body it is.
	defer func() {
		if p := recover(); p != nil {
			in, apiErr = nil, cwErrSerialization("The request body is not valid CBOR (%v).", p)
		}
	}()
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, cwErrSerialization("The request body is not valid CBOR: %v.", err)
	}
	m, ok := v.(cbor.Map)
	if !ok {
		return nil, cwErrSerialization("The request body must be a CBOR map (the input structure), got %s.", cborKind(v))
	}
	return m, nil
}

func writeCWOutput(w http.ResponseWriter, out cbor.Map) {
	h := w.Header()
	h.Set("Smithy-Protocol", cwProtocol)
	if out == nil { // Unit output: no body and, as the spec says, no Content-Type
		w.WriteHeader(http.StatusOK)
		return
	}
	writeCWBody(w, http.StatusOK, cbor.Encode(out))
}

// writeCWError answers err as RPCv2 CBOR does: status >= 400, a map with `__type` (the absolute
// shape ID for modeled errors) and `message`, and the awsQuery code in X-Amzn-Query-Error.
func writeCWError(w http.ResponseWriter, err *apiError) {
	typ := cwShapeID(err)
	body := cbor.Map{"__type": cbor.String(typ), "message": cbor.String(err.Message)}
	if err.Type == cwInternalServiceFault {
		body["Message"] = cbor.String(err.Message) // this one shape names its member Message
	}
	h := w.Header()
	h.Set("Smithy-Protocol", cwProtocol)
	setQueryErrorHeader(h, err)
	writeCWBody(w, cwErrorStatus(err), cbor.Encode(body))
}

// cwShapeID is the `__type` of an error: the absolute shape ID for modeled errors, the name for
// the others.
func cwShapeID(err *apiError) string {
	if _, ok := cwQueryCodes[err.Type]; ok {
		return cwShapeNamespace + err.Type
	}
	return err.Type
}

func writeCWBody(w http.ResponseWriter, status int, body []byte) {
	writeCWBodyAs(w, status, cwContentType, body)
}

func writeCWBodyAs(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client hung up: nothing left to tell it
}

// cwTime encodes a timestamp as RPCv2 CBOR does: tag 1 around float64 epoch seconds.
func cwTime(sec int64) cbor.Value { return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(sec))} }
