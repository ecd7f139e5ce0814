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
	"errors"
	"io"
	"net/http"
	"sync"
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

// ownedBody is what WithOwnedBody and WithSharedBody put in a request's context.
type ownedBody struct {
	b      []byte
	shared SharedBody // nil: the bytes are never reused
}

// WithOwnedBody returns ctx saying that the requests made with it send body, bytes their
// caller wrote for them and never changes: OwnBody gives the transport those instead of a
// copy. The producer's PutRecords serializer says so of the bodies it writes: the copy held a
// request's data a third time (after its records and their encoding), up to 7 MiB a request,
// all the while the request was in flight.
func WithOwnedBody(ctx context.Context, body []byte) context.Context {
	return context.WithValue(ctx, ownedBodyKey{}, ownedBody{b: body})
}

// SharedBody is the owner of a body's bytes who reuses them once nobody reads them: OwnBody
// retains it for each reader of the body it gives the transport and releases it when the
// transport closes that reader (net/http closes every request body it is given, on errors
// too). A transport that never closes one only keeps the bytes from being reused.
type SharedBody interface {
	Retain()
	Release()
}

// WithSharedBody is WithOwnedBody for bytes that shared reuses once released: each reader the
// transport gets holds them until it is closed, and reads nothing after.
func WithSharedBody(ctx context.Context, body []byte, shared SharedBody) context.Context {
	return context.WithValue(ctx, ownedBodyKey{}, ownedBody{b: body, shared: shared})
}

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		ob, owned := req.Context().Value(ownedBodyKey{}).(ownedBody)
		b := ob.b
		if !owned || int64(len(b)) != req.ContentLength { // not the body it was said to be
			var err error
			if b, err = readBody(req); err != nil {
				return nil, err
			}
			ob.shared = nil
		}
		if ob.shared != nil {
			// On a copy of the request: the SDK closes the body of the request it built once
			// Do returns, and only the transport may close these readers, when it is done.
			req = req.WithContext(req.Context())
			req.Body = newSharedReader(b, ob.shared)
			req.GetBody = func() (io.ReadCloser, error) { return newSharedReader(b, ob.shared), nil }
		} else {
			req.Body = io.NopCloser(bytes.NewReader(b))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		}
	}
	return c.inner.Do(req)
}

// errReadAfterClose is what a shared body's reader answers once closed: its bytes may be
// another request's by then.
var errReadAfterClose = errors.New("awshttp: read of a closed request body")

// sharedReader reads a SharedBody's bytes until it is closed. Close waits for a Read in
// progress (net/http may close a body from another goroutine than the one writing it, when an
// answer comes before the whole body went), so no read of the bytes follows their release.
type sharedReader struct {
	mu     sync.Mutex
	r      bytes.Reader
	shared SharedBody // nil once closed
}

func newSharedReader(b []byte, shared SharedBody) *sharedReader {
	shared.Retain()
	sr := &sharedReader{shared: shared}
	sr.r.Reset(b)
	return sr
}

func (sr *sharedReader) Read(p []byte) (int, error) {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	if sr.shared == nil {
		return 0, errReadAfterClose
	}
	return sr.r.Read(p)
}

func (sr *sharedReader) Close() error {
	sr.mu.Lock()
	shared := sr.shared
	sr.shared = nil
	sr.r.Reset(nil)
	sr.mu.Unlock()
	if shared != nil {
		shared.Release()
	}
	return nil
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
