package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is an Emulator serving HTTP on a TCP address.
type Server struct {
	// URL is the endpoint to give SDK clients (BaseEndpoint, AWS_ENDPOINT_URL_KINESIS,
	// AWS_ENDPOINT_URL_CLOUDWATCH): http://HOST:PORT.
	URL      string
	Emulator *Emulator

	http *http.Server
	done chan error
}

// Start builds an emulator from cfg and serves it on a random loopback port. Close stops it.
func Start(cfg Config) (*Server, error) { return Listen("127.0.0.1:0", cfg) }

// Listen builds an emulator from cfg and serves it on addr ("127.0.0.1:4567", ":0", ...).
func Listen(addr string, cfg Config) (*Server, error) {
	e, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen on %s: %w", addr, err)
	}
	return Serve(ln, e), nil
}

// Serve serves e on ln until Close.
func Serve(ln net.Listener, e *Emulator) *Server {
	s := &Server{
		URL:      "http://" + ln.Addr().String(),
		Emulator: e,
		http: &http.Server{
			Handler: e,
			// A client stalled in its headers is dropped after ReadHeaderTimeout; one stalled
			// in its body after Config.BodyStallTimeout without a byte (progressBody). No
			// absolute ReadTimeout: it would cut off a slow client sending a 10 MiB PutRecords.
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
		},
		done: make(chan error, 1),
	}
	go func() {
		err := s.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s
}

// Close stops serving at once, dropping open connections, and waits for the server to end.
func (s *Server) Close() error {
	s.Emulator.hold.stop()
	err := s.http.Close()
	if serveErr := <-s.done; serveErr != nil && err == nil {
		err = serveErr
	}
	s.done <- nil // later Close calls return at once
	return err
}

// Shutdown stops accepting connections and waits for in-flight requests until ctx is done.
// Requests held unanswered (Pause, the black hole) are let go at once, their connections
// broken: they would otherwise hold the shutdown until their clients give up.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Emulator.hold.stop()
	err := s.http.Shutdown(ctx)
	if serveErr := <-s.done; serveErr != nil && err == nil {
		err = serveErr
	}
	s.done <- nil
	return err
}
