package producer

import (
	"bytes"
	"io"
	"net/http"
)

// httpDoer is the SDK's HTTP client interface.
type httpDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// ownBodyClient gives the transport its own copy of each request body. The SDK closes the
// request body as soon as the response arrives, while net/http may still be making its last read
// of that body; the read fails and the transport drops the connection mid-response, so a call the
// service answered 200 fails with "use of closed network connection" — and would be retried,
// storing its records twice. A PutRecords body is already in memory; copying it costs far less.
type ownBodyClient struct{ inner httpDoer }

func (c ownBodyClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	return c.inner.Do(req)
}
