// Package awshttp is the HTTP client the project gives every aws-sdk-go-v2 client it builds:
// one that owns its request bodies (see OwnBody). The producer wraps the client of every Kinesis
// client it is given with it; tests and bench/ build theirs with it (internal/sdktest).
//
// It is a shared leaf: it imports nothing of the module, so the producer may import it
// (internal/archtest holds that rule).
package awshttp

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// Doer is the SDK's HTTP client interface (aws.HTTPClient).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// OwnBody returns inner giving the transport its own copy of each request body; inner already
// so wrapped is returned as it is. The SDK closes the request body as soon as the response
// arrives, while net/http may still be making its last read of that body; the read fails and the
// transport drops the connection mid-response, so a call the service answered 200 fails with
// "use of closed network connection" (about 1 in 60 calls on a fast loopback) — and would be
// retried, storing its records twice. A PutRecords body is already in memory; copying it costs
// far less.
func OwnBody(inner Doer) Doer {
	if o, ok := inner.(ownBody); ok {
		return o
	}
	return ownBody{inner}
}

type ownBody struct{ inner Doer }

// ownedBodyKey is the context key of WithOwnedBody.
type ownedBodyKey struct{}

// WithOwnedBody returns ctx saying that the requests made with it send body, bytes their
// caller wrote for them and never changes: OwnBody gives the transport those instead of a
// copy. The producer's PutRecords serializer says so of the bodies it writes: the copy held a
// request's data a third time (after its records and their encoding), up to 7 MiB a request,
// all the while the request was in flight.
func WithOwnedBody(ctx context.Context, body []byte) context.Context {
	return context.WithValue(ctx, ownedBodyKey{}, body)
}

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, owned := req.Context().Value(ownedBodyKey{}).([]byte)
		if !owned || int64(len(b)) != req.ContentLength { // not the body it was said to be
			var err error
			if b, err = readBody(req); err != nil {
				return nil, err
			}
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return c.inner.Do(req)
}

// readBody reads the whole body into a buffer of its declared length (a PutRecords body of
// megabytes grown from 512 bytes by io.ReadAll was copied a dozen times).
func readBody(req *http.Request) ([]byte, error) {
	if req.ContentLength <= 0 {
		return io.ReadAll(req.Body)
	}
	b := make([]byte, req.ContentLength)
	if _, err := io.ReadFull(req.Body, b); err != nil {
		return nil, err
	}
	var more [1]byte // a body longer than declared is read whole, as before
	if n, err := req.Body.Read(more[:]); n > 0 || err != nil && err != io.EOF {
		if err != nil && err != io.EOF {
			return nil, err
		}
		rest, err := io.ReadAll(req.Body)
		return append(append(b, more[:n]...), rest...), err
	}
	return b, nil
}
