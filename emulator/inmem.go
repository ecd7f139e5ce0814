package emulator

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
)

// InMemTransport is an http.RoundTripper that answers each request by calling Handler (usually an
// *Emulator) on the caller's goroutine, with no socket, as hashicorp/raft's in-memory transport
// does for its tests. The real SDK clients, the producer and the emulator can then run together
// inside a testing/synctest bubble, where a socket would block outside the bubble and virtual
// time could not advance. Use it as an SDK client's HTTPClient (&http.Client{Transport: t}) or
// directly (it also has the SDK's Do method).
//
// The request body is read whole before the handler runs, so the caller may close it as early
// as it likes (the SDK closes it when the response arrives); the response body is a buffer,
// readable after the handler has returned. Responses are not streamed: the handler's whole
// answer is buffered, which suits unary Kinesis and CloudWatch calls.
//
// A handler that panics with http.ErrAbortHandler (as the emulator does to inject a connection
// reset) breaks the "connection" as net/http would: the caller gets ErrConnectionReset, a
// *net.OpError reading the answer, as from a peer that reset the connection.
type InMemTransport struct {
	Handler http.Handler
}

// RoundTrip implements http.RoundTripper.
func (t InMemTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	in := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		in.Body, in.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	} else {
		in.Body = http.NoBody
	}
	// What a server would fill in for the handler.
	in.RequestURI, in.RemoteAddr = req.URL.RequestURI(), "in-memory"
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	w := &memResponse{header: http.Header{}}
	if aborted := serveOrAbort(t.Handler, w, in); aborted {
		if err := req.Context().Err(); err != nil {
			return nil, err
		}
		return nil, ErrConnectionReset
	}
	// A handler that waited (injected latency) may have outlived the caller's deadline: the
	// caller sees its context's error, as over a socket.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return w.response(req), nil
}

// ErrConnectionReset is what InMemTransport returns when the handler broke the connection
// (panicked with http.ErrAbortHandler): a read that found the connection reset by the peer,
// as over a socket (errors.Is(err, syscall.ECONNRESET) holds).
var ErrConnectionReset error = &net.OpError{Op: "read", Net: "tcp", Source: memAddr{}, Addr: memAddr{},
	Err: os.NewSyscallError("read", syscall.ECONNRESET)}

// memAddr is the in-memory "connection"'s address.
type memAddr struct{}

func (memAddr) Network() string { return "tcp" }
func (memAddr) String() string  { return "in-memory" }

// serveOrAbort runs the handler, reporting whether it aborted (http.ErrAbortHandler); any other
// panic goes on up to the caller: a bug, not a fault to inject.
func serveOrAbort(h http.Handler, w http.ResponseWriter, r *http.Request) (aborted bool) {
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler {
				panic(p)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, r)
	return false
}

// Do is the SDK's HTTPClient interface: the same as RoundTrip.
func (t InMemTransport) Do(req *http.Request) (*http.Response, error) { return t.RoundTrip(req) }

// memResponse records a handler's answer, as httptest.ResponseRecorder does (without pulling
// net/http/httptest into the program).
type memResponse struct {
	header http.Header
	sent   http.Header // header as it was when the status was written: later changes are lost, as on the wire
	status int
	body   bytes.Buffer
}

func (w *memResponse) Header() http.Header { return w.header }

func (w *memResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status, w.sent = status, w.header.Clone()
	}
}

func (w *memResponse) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

func (w *memResponse) response(req *http.Request) *http.Response {
	w.WriteHeader(http.StatusOK) // a handler that wrote nothing answered 200, as net/http does
	h := w.sent
	h.Set("Content-Length", strconv.Itoa(w.body.Len()))
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}
}
