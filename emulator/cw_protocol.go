package emulator

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// The CloudWatch side speaks Smithy RPCv2 CBOR as aws-sdk-go-v2's cloudwatch client (v1.53.0 on)
// does: POST /service/GraniteServiceVersion20100801/operation/<Op>, header Smithy-Protocol:
// rpc-v2-cbor, a CBOR map as the body (gzip-compressed for PutMetricData), a CBOR map back.

const (
	cwProtocol        = "rpc-v2-cbor"
	cwContentType     = "application/cbor"
	cwMaxBodyBytes    = 1 << 20 // on the wire; CloudWatch limits a PutMetricData request to 1 MB
	cwMaxDecodedBytes = 4 << 20 // after gzip: room for 1000 metrics × 150 values, no zip bombs
)

// cwHandler serves one operation from its decoded input. A nil output means the operation has
// no output (Unit): the response then has no body.
type cwHandler func(e *Emulator, in cbor.Map) (cbor.Map, *apiError)

var cloudWatchOps = map[string]cwHandler{
	"GetMetricData": (*Emulator).cwGetMetricData,
	"ListMetrics":   (*Emulator).cwListMetrics,
	"PutMetricData": (*Emulator).cwPutMetricData,
}

// serveCloudWatch serves one CloudWatch request; op is the path's last segment.
func (e *Emulator) serveCloudWatch(w http.ResponseWriter, r *http.Request, op string) {
	out, err, ok := e.cwDispatch(w, r, op)
	if !ok || !e.hold.waitWhilePaused(r) {
		breakConnection() // held until the client gave up or the server stopped: never answered
	}
	if err != nil {
		writeCWError(w, err)
		return
	}
	writeCWOutput(w, out)
}

// cwDispatch decodes and serves one request. answer is false when the request was held by
// Pause until its client gave up: nothing was done and there is no one to answer.
func (e *Emulator) cwDispatch(w http.ResponseWriter, r *http.Request, op string) (out cbor.Map, aerr *apiError, answer bool) {
	handler, ok := cloudWatchOps[op]
	if !ok {
		return nil, newAPIError(http.StatusNotFound, cwUnknownOperation,
			"The emulator does not serve CloudWatch operation %q; it serves GetMetricData, ListMetrics and PutMetricData.", op), true
	}
	if r.Method != http.MethodPost {
		return nil, newAPIError(http.StatusMethodNotAllowed, cwMethodNotAllowed,
			"rpcv2Cbor requests must use POST, not %s.", r.Method), true
	}
	if aerr := checkCWHeaders(r.Header); aerr != nil {
		return nil, aerr, true
	}
	body, aerr := readCWBody(w, r)
	if aerr != nil {
		return nil, aerr, true
	}
	in, aerr := decodeCWInput(body)
	if aerr != nil {
		return nil, aerr, true
	}
	answer = e.hold.runEffect(r, func() { out, aerr = handler(e, in) })
	return out, aerr, answer
}

func checkCWHeaders(h http.Header) *apiError {
	if p := h.Get("Smithy-Protocol"); p != cwProtocol {
		return cwErrSerialization("rpcv2Cbor requests must carry the header Smithy-Protocol: %s (got %q).", cwProtocol, p)
	}
	// The spec makes servers reject these: a request must not be routable two ways.
	if h.Get("X-Amz-Target") != "" || h.Get("X-Amzn-Target") != "" {
		return cwErrSerialization("rpcv2Cbor requests must not carry X-Amz-Target or X-Amzn-Target.")
	}
	return nil
}

// readCWBody reads the body within cwMaxBodyBytes, undoes its Content-Encoding (gzip or
// identity) within cwMaxDecodedBytes, and checks its Content-Type.
func readCWBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	if r.ContentLength > cwMaxBodyBytes { // answer at once, not after waiting for the body
		w.Header().Set("Connection", "close")
		return nil, newAPIError(http.StatusRequestEntityTooLarge, cwRequestTooLarge,
			"Request size exceeded %d bytes.", cwMaxBodyBytes)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cwMaxBodyBytes))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return nil, newAPIError(http.StatusRequestEntityTooLarge, cwRequestTooLarge,
				"Request size exceeded %d bytes.", cwMaxBodyBytes)
		}
		return nil, cwErrSerialization("Could not read the request body: %v.", err)
	}
	body, apiErr := decodeContentEncoding(raw, r.Header.Values("Content-Encoding"))
	if apiErr != nil {
		return nil, apiErr
	}
	if len(body) > 0 {
		ct := r.Header.Get("Content-Type")
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != cwContentType {
			return nil, newAPIError(http.StatusUnsupportedMediaType, cwUnsupportedMediaType,
				"rpcv2Cbor request bodies must have Content-Type %s (got %q).", cwContentType, ct)
		}
	}
	return body, nil
}

// decodeContentEncoding undoes the encodings listed in Content-Encoding, last applied first.
func decodeContentEncoding(body []byte, headers []string) ([]byte, *apiError) {
	var codings []string
	for _, h := range headers {
		for c := range strings.SplitSeq(h, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	for i := len(codings) - 1; i >= 0; i-- {
		if codings[i] != "gzip" {
			return nil, newAPIError(http.StatusUnsupportedMediaType, cwUnsupportedMediaType,
				"Unsupported Content-Encoding %q: the emulator accepts gzip.", codings[i])
		}
		var err *apiError
		if body, err = gunzipCapped(body); err != nil {
			return nil, err
		}
	}
	return body, nil
}

// gunzipCapped inflates a gzip body, refusing more than cwMaxDecodedBytes of output.
func gunzipCapped(body []byte) ([]byte, *apiError) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, cwErrSerialization("Content-Encoding is gzip but the body is not gzip data: %v.", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, cwMaxDecodedBytes+1))
	if err != nil {
		return nil, cwErrSerialization("Content-Encoding is gzip but the body does not inflate: %v.", err)
	}
	if len(out) > cwMaxDecodedBytes {
		return nil, newAPIError(http.StatusRequestEntityTooLarge, cwRequestTooLarge,
			"Request size exceeded %d bytes once decompressed.", cwMaxDecodedBytes)
	}
	return out, nil
}

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
	typ, code := err.Type, err.Type
	if q, ok := cwQueryCodes[err.Type]; ok {
		typ, code = cwShapeNamespace+err.Type, q
	}
	fault := "Sender"
	if err.Status >= 500 {
		fault = "Receiver"
	}
	body := cbor.Map{"__type": cbor.String(typ), "message": cbor.String(err.Message)}
	if err.Type == cwInternalServiceFault {
		body["Message"] = cbor.String(err.Message) // this one shape names its member Message
	}
	h := w.Header()
	h.Set("Smithy-Protocol", cwProtocol)
	h.Set("X-Amzn-Query-Error", code+";"+fault)
	status := err.Status
	if status < 300 {
		status = http.StatusBadRequest
	}
	writeCWBody(w, status, cbor.Encode(body))
}

func writeCWBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", cwContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client hung up: nothing left to tell it
}

// cwTime encodes a timestamp as RPCv2 CBOR does: tag 1 around float64 epoch seconds.
func cwTime(sec int64) cbor.Value { return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(sec))} }
