package emulator

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// The CloudWatch side speaks the three protocols AWS's CloudWatch serves, one codec each:
//   - Smithy RPCv2 CBOR (cw_codec_cbor.go), as aws-sdk-go-v2's cloudwatch client (v1.53.0 on)
//     does: POST /service/GraniteServiceVersion20100801/operation/<Op>;
//   - awsJson1_0 (cw_codec_json.go), as the AWS JS SDK v3 and recent botocore do: POST / with
//     X-Amz-Target: GraniteServiceVersion20100801.<Op>;
//   - awsQuery (cw_codec_query.go), as older SDKs (Debian's boto3 and AWS CLI, aws-sdk-go v1)
//     do: a form-encoded Action=<Op>&Version=2010-08-01 body, XML back.
// PutMetricData bodies may be gzip-compressed in any of them.

const (
	cwMaxBodyBytes    = 1 << 20 // on the wire; CloudWatch limits a PutMetricData request to 1 MB
	cwMaxDecodedBytes = 4 << 20 // after gzip: room for 1000 metrics × 150 values, no zip bombs
)

// cwHandler serves one operation from its decoded input. A nil output means the operation has
// no output (Unit): the response then has no body.
type cwHandler func(e *Emulator, in cbor.Map) (cbor.Map, *apiError)

var cloudWatchOps = map[string]cwHandler{
	"GetMetricData":       (*Emulator).cwGetMetricData,
	"GetMetricStatistics": (*Emulator).cwGetMetricStatistics,
	"ListMetrics":         (*Emulator).cwListMetrics,
	"PutMetricData":       (*Emulator).cwPutMetricData,
}

// serveCloudWatch serves one CloudWatch request in the protocol its client speaks (see
// cw_codecs.go): op is the operation the route named ("" for awsQuery, whose body names it).
// One implementation serves every protocol: each codec turns its wire format into the same
// decoded input (a cbor.Map, the richest of the three data models) and the handler's output
// back into its own.
func (e *Emulator) serveCloudWatch(w http.ResponseWriter, r *http.Request, c cwCodec, op string) {
	out, op, err, ok := e.cwDispatch(w, r, c, op)
	if !ok || !e.hold.waitWhilePaused(r) {
		breakConnection() // held until the client gave up or the server stopped: never answered
	}
	if err != nil {
		c.writeError(w, op, err)
		return
	}
	c.writeOutput(w, op, out)
}

// cwDispatch decodes and serves one request. answer is false when the request was held by
// Pause until its client gave up: nothing was done and there is no one to answer.
func (e *Emulator) cwDispatch(w http.ResponseWriter, r *http.Request, c cwCodec, op string) (out cbor.Map, opName string, aerr *apiError, answer bool) {
	if r.Method != http.MethodPost && !c.allowsGet() {
		return nil, op, newAPIError(http.StatusMethodNotAllowed, cwMethodNotAllowed,
			"%s requests must use POST, not %s.", c.name(), r.Method), true
	}
	if aerr := c.checkHeaders(r.Header); aerr != nil {
		return nil, op, aerr, true
	}
	body, aerr := readCWBody(w, r, c)
	if aerr != nil {
		return nil, op, aerr, true
	}
	op, in, aerr := c.decode(op, body, r)
	if aerr != nil {
		return nil, op, aerr, true
	}
	handler, ok := cloudWatchOps[op]
	if !ok {
		return nil, op, newAPIError(http.StatusNotFound, cwUnknownOperation,
			"The emulator does not serve CloudWatch operation %q; it serves %s.", op, cwOpNames()), true
	}
	answer = e.hold.runEffect(r, func() { out, aerr = handler(e, in) })
	return out, op, aerr, answer
}

func cwOpNames() string {
	names := make([]string, 0, len(cloudWatchOps))
	for n := range cloudWatchOps {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// readCWBody reads the body within cwMaxBodyBytes, undoes its Content-Encoding (gzip or
// identity) within cwMaxDecodedBytes, and checks its Content-Type against the codec's.
func readCWBody(w http.ResponseWriter, r *http.Request, c cwCodec) ([]byte, *apiError) {
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
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != c.contentType() {
			return nil, newAPIError(http.StatusUnsupportedMediaType, cwUnsupportedMediaType,
				"%s request bodies must have Content-Type %s (got %q).", c.name(), c.contentType(), ct)
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
