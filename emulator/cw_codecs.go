package emulator

import (
	"net/http"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cwCodec is one of CloudWatch's wire protocols. Every codec decodes to, and encodes from, the
// same data model (cbor.Map: structures, lists, text, numbers, booleans and tag-1 timestamps),
// so each operation is written once.
type cwCodec interface {
	name() string
	contentType() string
	allowsGet() bool // awsQuery also takes its parameters in a GET's query string
	checkHeaders(h http.Header) *apiError
	// decode reads the operation input; op is the route's operation name, or "" when the body
	// names it (awsQuery's Action).
	decode(op string, body []byte, r *http.Request) (string, cbor.Map, *apiError)
	// writeOutput answers the operation's output (nil: the operation has none).
	writeOutput(w http.ResponseWriter, op string, out cbor.Map)
	writeError(w http.ResponseWriter, op string, err *apiError)
}

// cwTargetPrefix is the X-Amz-Target prefix of CloudWatch's awsJson1_0 operations.
const cwTargetPrefix = "GraniteServiceVersion20100801."

// cloudWatchRoute tells whether r is a CloudWatch request and, if so, its codec and operation
// ("" when the body names it). Kinesis speaks only awsJson1_1 with its own X-Amz-Target prefix,
// so the routes never overlap.
func cloudWatchRoute(r *http.Request) (cwCodec, string, bool) {
	if op, ok := strings.CutPrefix(r.URL.Path, cloudWatchPathPrefix); ok {
		return cwCBOR{}, op, true
	}
	if op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), cwTargetPrefix); ok {
		return cwJSON{}, op, true
	}
	if isQueryRequest(r) {
		return cwAWSQuery{}, "", true
	}
	return nil, "", false
}

// setQueryErrorHeader names err's awsQuery code in X-Amzn-Query-Error, as CloudWatch does for
// clients of its newer protocols that were written against awsQuery's codes (CloudWatch is
// awsQueryCompatible: the SDKs report that code from ErrorCode()).
func setQueryErrorHeader(h http.Header, err *apiError) {
	fault := "Sender"
	if err.Status >= 500 {
		fault = "Receiver"
	}
	h.Set("X-Amzn-Query-Error", cwQueryCode(err)+";"+fault)
}

// cwQueryCode is err's awsQuery code: the modeled errors have their old code, the others keep
// their name.
func cwQueryCode(err *apiError) string {
	if q, ok := cwQueryCodes[err.Type]; ok {
		return q
	}
	return err.Type
}

// cwErrorStatus is the status an error is answered with: always an error status.
func cwErrorStatus(err *apiError) int {
	if err.Status < 300 {
		return http.StatusBadRequest
	}
	return err.Status
}
