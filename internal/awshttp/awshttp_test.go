package awshttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// closingReader is a request body its owner closes early, as the SDK does.
type closingReader struct {
	*strings.Reader
	closed bool
}

func (c *closingReader) Close() error { c.closed = true; return nil }

func (c *closingReader) Read(p []byte) (int, error) {
	if c.closed {
		return 0, errors.New("read on closed body")
	}
	return c.Reader.Read(p)
}

type readAfterClose struct{ got string }

func (d *readAfterClose) Do(req *http.Request) (*http.Response, error) {
	// The SDK closes its body when the answer arrives; the transport may still read afterwards.
	if c, ok := req.Body.(interface{ Close() error }); ok {
		_ = c.Close()
	}
	b, err := io.ReadAll(req.Body)
	d.got = string(b)
	return &http.Response{StatusCode: 200, Body: http.NoBody}, err
}

// The transport reads the whole body even after the caller's body is closed, and can read it
// again (GetBody) for a redirect or a retried connection.
func TestOwnBodySurvivesTheCallerClosingItsBody(t *testing.T) {
	inner := &readAfterClose{}
	caller := &closingReader{Reader: strings.NewReader(`{"Records":[]}`)}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", caller)
	if _, err := OwnBody(inner).Do(req); err != nil {
		t.Fatal(err)
	}
	if inner.got != `{"Records":[]}` {
		t.Fatalf("transport read %q", inner.got)
	}
	again, _ := req.GetBody()
	if b, _ := io.ReadAll(again); string(b) != `{"Records":[]}` {
		t.Fatalf("GetBody gives %q", b)
	}
}

// Wrapping twice copies once: the producer wraps whatever client it is given.
func TestOwnBodyWrapsOnce(t *testing.T) {
	once := OwnBody(&readAfterClose{})
	if twice := OwnBody(once); twice != once {
		t.Fatalf("OwnBody(OwnBody(c)) wrapped again")
	}
}

// A body of declared length is copied whole, and one longer than declared is not cut short
// (the transport would send what it declared; the copy must not lose bytes either way).
func TestOwnBodyCopiesBodiesOfDeclaredLength(t *testing.T) {
	for _, declared := range []int64{14, 5} {
		inner := &readAfterClose{}
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", &closingReader{Reader: strings.NewReader(`{"Records":[]}`)})
		req.ContentLength = declared
		if _, err := OwnBody(inner).Do(req); err != nil {
			t.Fatal(err)
		}
		if inner.got != `{"Records":[]}` {
			t.Fatalf("declared %d: transport read %q", declared, inner.got)
		}
	}
}

// A body the caller owns (WithOwnedBody) is given to the transport as it is, not copied: the
// transport reads the caller's bytes, even after the caller's body is closed. One of another
// length than declared is copied as before.
func TestOwnBodyGivesAnOwnedBodyUncopied(t *testing.T) {
	for _, tc := range []struct {
		declared int64
		want     string
	}{{14, `["Records":[]}`}, {5, `{"Records":[]}`}} {
		body := []byte(`{"Records":[]}`)
		inner := &readAfterClose{}
		ctx := WithOwnedBody(context.Background(), body)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", &closingReader{Reader: strings.NewReader(string(body))})
		req.ContentLength = tc.declared
		mutating := doerFunc(func(req *http.Request) (*http.Response, error) {
			body[0] = '[' // seen by the transport only if it reads the caller's bytes
			return inner.Do(req)
		})
		if _, err := OwnBody(mutating).Do(req); err != nil {
			t.Fatal(err)
		}
		if inner.got != tc.want {
			t.Errorf("declared %d: transport read %q, want %q", tc.declared, inner.got, tc.want)
		}
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// countingShared is a SharedBody that counts its references.
type countingShared struct{ refs, released int }

func (c *countingShared) Retain()  { c.refs++ }
func (c *countingShared) Release() { c.refs--; c.released++ }

// A shared body's bytes are held by every reader the transport gets (the body, and each one
// GetBody makes for a retried connection) until the transport closes it, and a closed reader
// reads nothing more: its owner may be writing another request into the bytes by then.
func TestSharedBodyIsHeldUntilTheTransportClosesEveryReader(t *testing.T) {
	body := []byte(`{"Records":[]}`)
	shared := &countingShared{}
	ctx := WithSharedBody(context.Background(), body, shared)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", &closingReader{Reader: strings.NewReader(string(body))})
	req.ContentLength = int64(len(body))
	var readers []io.ReadCloser
	transport := doerFunc(func(req *http.Request) (*http.Response, error) {
		again, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		readers = append(readers, req.Body, again)
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})
	if _, err := OwnBody(transport).Do(req); err != nil {
		t.Fatal(err)
	}
	req.Body.Close() // the SDK closes the body of the request it built once Do returns
	if shared.refs != 2 {
		t.Fatalf("%d references held by the transport's 2 open readers", shared.refs)
	}
	for i, r := range readers {
		if got, err := io.ReadAll(r); err != nil || string(got) != string(body) {
			t.Fatalf("reader %d read %q, %v", i, got, err)
		}
	}
	readers[0].Close()
	readers[0].Close() // twice: released once
	if shared.refs != 1 || shared.released != 1 {
		t.Fatalf("after one reader closed (twice): %d references, %d releases; want 1, 1", shared.refs, shared.released)
	}
	if n, err := readers[0].Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("a closed reader read %d bytes, %v", n, err)
	}
	readers[1].Close()
	if shared.refs != 0 {
		t.Fatalf("%d references after every reader closed", shared.refs)
	}

	// A body other than the one declared is copied, and the shared one is not held.
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", strings.NewReader(`{}`))
	req.ContentLength = 2
	if _, err := OwnBody(transport).Do(req); err != nil || shared.refs != 0 {
		t.Fatalf("a body not the shared one: %v, %d references", err, shared.refs)
	}
}
