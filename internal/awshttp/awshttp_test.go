package awshttp

import (
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
