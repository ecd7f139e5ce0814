package producer

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	fastb64 "github.com/segmentio/asm/base64"

	"github.com/shardstorm/shardstorm/internal/awshttp"
)

// The SDK's JSON serializer was the largest cost of a whole producer process after the engine:
// it grows its buffer blob by blob (each blob base64-encoded into a fresh slice, then copied),
// then copies the whole body once more. A PutRecords body's size is known before writing it, so
// putRecordsSerializer writes it once, into a buffer of exactly that size. It writes the bytes
// the SDK's serializer writes (TestPutRecordsBodyIsTheSDKs compares them) and hands anything it
// does not write byte for byte — a string needing JSON escapes, DryRun, StreamId, a nil Data —
// to the SDK's own serializer.

// operationSerializerID is the id of the SDK's serialize-step middleware that writes the body.
const operationSerializerID = "OperationSerializer"

// withPutRecordsSerializer is a PutRecords option that swaps the SDK's serializer for
// putRecordsSerializer, keeping the SDK's as its fallback.
func withPutRecordsSerializer(o *kinesis.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		m := &putRecordsSerializer{}
		old, err := stack.Serialize.Swap(operationSerializerID, m)
		if err != nil {
			return err
		}
		m.sdk = old
		return nil
	})
}

type putRecordsSerializer struct {
	sdk middleware.SerializeMiddleware // the SDK's serializer, for what this one does not write
}

func (*putRecordsSerializer) ID() string { return operationSerializerID }

func (m *putRecordsSerializer) HandleSerialize(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (
	middleware.SerializeOutput, middleware.Metadata, error,
) {
	req, ok := in.Request.(*smithyhttp.Request)
	input, ok2 := in.Parameters.(*kinesis.PutRecordsInput)
	if !ok || !ok2 {
		return m.sdk.HandleSerialize(ctx, in, next)
	}
	size, ok := putRecordsJSONSize(input)
	if !ok {
		return m.sdk.HandleSerialize(ctx, in, next)
	}
	// The body in a pooled buffer when the producer's sender waits for its release (see
	// requestBody), else in one of its own.
	wire, _ := ctx.Value(requestWireKey{}).(*requestWire)
	var rb *requestBody
	var body []byte
	if wire != nil {
		rb = getRequestBody(size)
		body = rb.b
	}
	body = writePutRecordsJSON(body, input, size)
	// What the SDK's awsJson 1.1 protocol sets for an operation with an input.
	req.Method = http.MethodPost
	if len(req.URL.Path) == 0 {
		req.URL.Path = "/"
	}
	req.Header.Set("X-Amz-Target", "Kinesis_20131202.PutRecords")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sreq, err := req.SetStream(bytes.NewReader(body))
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, err
	}
	in.Request = sreq
	// The records' data is in body now: their encodings may serve the next request. (The input's
	// Data still points at them; nothing after this step reads it: retries re-send body.)
	if rb == nil {
		return next.HandleSerialize(awshttp.WithOwnedBody(ctx, body), in) // body is this request's alone
	}
	rb.b = body
	wire.release()
	wire.body = rb // released by the sender once PutRecords returns
	return next.HandleSerialize(awshttp.WithSharedBody(ctx, body, rb), in)
}

// appendPutRecordsJSON appends in's JSON body as the SDK writes it — members in the SDK's order,
// Data in standard base64 — and reports false, having appended nothing useful, for an input it
// does not write exactly as the SDK would.
func appendPutRecordsJSON(dst []byte, in *kinesis.PutRecordsInput) ([]byte, bool) {
	size, ok := putRecordsJSONSize(in)
	if !ok {
		return dst, false
	}
	return writePutRecordsJSON(dst, in, size), true
}

// appendBase64 appends data in standard base64 to dst (growing it only if it was sized wrong).
// It is segmentio/asm's encoder, vectorised (AVX2 on amd64): encoding/base64 encodes about
// 1.0-1.4 GB/s here, 3-7 % of a 100-byte-record producer process's CPU; this one about
// 18 GB/s (`go test ./producer -run '^$' -bench Base64`).
func appendBase64(dst, data []byte) []byte {
	n := len(dst) + fastb64.StdEncoding.EncodedLen(len(data))
	if n > cap(dst) {
		dst = slices.Grow(dst, n-len(dst))
	}
	fastb64.StdEncoding.Encode(dst[len(dst):n], data)
	return dst[:n]
}

// writePutRecordsJSON appends in's JSON body, of at most size bytes, to dst: in is one that
// putRecordsJSONSize accepted and sized (the serializer sizes it once, to pick its buffer).
func writePutRecordsJSON(dst []byte, in *kinesis.PutRecordsInput, size int) []byte {
	if cap(dst)-len(dst) < size {
		dst = append(make([]byte, 0, len(dst)+size), dst...)
	}
	dst = append(dst, `{"Records":[`...)
	for i := range in.Records {
		e := &in.Records[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"Data":"`...)
		dst = appendBase64(dst, e.Data)
		if e.ExplicitHashKey != nil {
			dst = append(dst, `","ExplicitHashKey":"`...)
			dst = append(dst, *e.ExplicitHashKey...)
		}
		dst = append(dst, `","PartitionKey":"`...)
		dst = append(dst, *e.PartitionKey...)
		dst = append(dst, `"}`...)
	}
	dst = append(dst, ']')
	if in.StreamARN != nil {
		dst = append(dst, `,"StreamARN":"`...)
		dst = append(dst, *in.StreamARN...)
		dst = append(dst, '"')
	}
	if in.StreamName != nil {
		dst = append(dst, `,"StreamName":"`...)
		dst = append(dst, *in.StreamName...)
		dst = append(dst, '"')
	}
	return append(dst, '}')
}

// putRecordsJSONSize is the size of in's JSON body as appendPutRecordsJSON writes it (at most:
// StreamARN's member name is shorter than StreamName's), false for an input it does not write.
func putRecordsJSONSize(in *kinesis.PutRecordsInput) (int, bool) {
	if in.DryRun != nil || in.StreamId != nil || in.Records == nil {
		return 0, false
	}
	size := len(`{"Records":[]}`)
	for i := range in.Records {
		e := &in.Records[i]
		if e.Data == nil || e.PartitionKey == nil || !plainJSON(*e.PartitionKey) {
			return 0, false
		}
		size += len(`{"Data":"","PartitionKey":""},`) + base64.StdEncoding.EncodedLen(len(e.Data)) + len(*e.PartitionKey)
		if e.ExplicitHashKey != nil {
			if !plainJSON(*e.ExplicitHashKey) {
				return 0, false
			}
			size += len(`,"ExplicitHashKey":""`) + len(*e.ExplicitHashKey)
		}
	}
	for _, s := range []*string{in.StreamARN, in.StreamName} {
		if s != nil {
			if !plainJSON(*s) {
				return 0, false
			}
			size += len(`,"StreamName":""`) + len(*s)
		}
	}
	return size, true
}

// plainJSON reports whether s is written as it is inside a JSON string: printable ASCII other
// than '"' and '\'. The SDK escapes everything else (its rules for those are not copied here).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
