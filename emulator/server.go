package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/http2"
)

// Server is an Emulator serving HTTP on a TCP address.
type Server struct {
	// URL is the endpoint to give SDK clients (BaseEndpoint, AWS_ENDPOINT_URL_KINESIS,
	// AWS_ENDPOINT_URL_CLOUDWATCH): http://HOST:PORT.
	URL      string
	Emulator *Emulator

	http     *http.Server
	upgrader *h2cUpgrader
	done     chan error
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

// Serve serves e on ln until Close: HTTP/1.1 and cleartext HTTP/2 (h2c) on the same port.
func Serve(ln net.Listener, e *Emulator) *Server {
	s := newServer(ln, e, "http://")
	s.http.Protocols.SetUnencryptedHTTP2(true) // h2c with prior knowledge, on the same port
	go s.serve(func() error { return s.http.Serve(ln) })
	return s
}

// ServeTLS serves e on ln over TLS with cert until Close: HTTP/2 and HTTP/1.1, chosen by ALPN,
// for clients that insist on https (see SelfSignedCertificate).
func ServeTLS(ln net.Listener, e *Emulator, cert tls.Certificate) *Server {
	s := newServer(ln, e, "https://")
	s.http.Protocols.SetHTTP2(true)
	s.http.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	go s.serve(func() error { return s.http.ServeTLS(ln, "", "") })
	return s
}

func newServer(ln net.Listener, e *Emulator, scheme string) *Server {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	s := &Server{
		URL:      scheme + ln.Addr().String(),
		Emulator: e,
		http: &http.Server{
			// A client stalled in its headers is dropped after ReadHeaderTimeout; one stalled
			// in its body after Config.BodyStallTimeout without a byte (progressBody). No
			// absolute ReadTimeout: it would cut off a slow client sending a 10 MiB PutRecords.
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			Protocols:         protocols,
		},
		done: make(chan error, 1),
	}
	s.upgrader = &h2cUpgrader{next: e, h2: &http2.Server{IdleTimeout: 2 * time.Minute}, base: s.http,
		maxBody: e.maxKinesisBody(), conns: map[net.Conn]struct{}{}}
	s.http.Handler = s.upgrader
	return s
}

func (s *Server) serve(run func() error) {
	err := run()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	s.done <- err
}

// Close stops serving at once, dropping open connections, and waits for the server to end.
func (s *Server) Close() error {
	s.Emulator.hold.stop()
	s.upgrader.closeAll()
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
	s.upgrader.closeAll() // upgraded connections are not the server's any more: close them last
	if serveErr := <-s.done; serveErr != nil && err == nil {
		err = serveErr
	}
	s.done <- nil
	return err
}
