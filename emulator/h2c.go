package emulator

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/net/http2"
)

// The emulator serves HTTP/1.1 and cleartext HTTP/2 on one port, as clients that insist on
// HTTP/2 (the AWS JS SDK v3 for Kinesis) need. Prior knowledge (a connection that starts with
// HTTP/2's preface) is net/http's own (http.Server.Protocols); the HTTP/1.1 Upgrade: h2c route
// (curl --http2 on an http:// URL) is h2cUpgrader's, on x/net/http2's ServeConn, the way the
// deprecated x/net/http2/h2c package did it.

// h2cUpgrader switches a connection to HTTP/2 when its first request asks to (RFC 7540 §3.2),
// answering that request as stream 1; other requests pass through.
type h2cUpgrader struct {
	next    http.Handler
	h2      *http2.Server
	base    *http.Server
	maxBody int64 // the upgrade request's body is read whole first: bound it

	mu    sync.Mutex
	conns map[net.Conn]struct{} // hijacked connections, which http.Server.Close no longer sees
}

func (u *h2cUpgrader) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 1 || !isH2CUpgrade(r.Header) {
		u.next.ServeHTTP(w, r)
		return
	}
	settings, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(r.Header.Get("HTTP2-Settings"), "="))
	if err != nil {
		http.Error(w, "HTTP2-Settings is not base64url: "+err.Error(), http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, u.maxBody+1))
	if err != nil || int64(len(body)) > u.maxBody {
		// Not worth an upgrade: serve it over HTTP/1.1, which answers oversized and broken
		// bodies properly.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		u.next.ServeHTTP(w, r)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		u.next.ServeHTTP(w, r)
		return
	}
	if _, err := rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"); err != nil || rw.Flush() != nil {
		conn.Close()
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !u.track(conn) {
		conn.Close() // the server is closing
		return
	}
	defer u.untrack(conn)
	u.h2.ServeConn(&bufferedConn{Conn: conn, r: rw.Reader}, &http2.ServeConnOpts{
		BaseConfig: u.base, Handler: u.next, UpgradeRequest: r, Settings: settings})
}

// isH2CUpgrade: Upgrade names h2c and Connection names Upgrade and HTTP2-Settings.
func isH2CUpgrade(h http.Header) bool {
	return headerHasToken(h, "Upgrade", "h2c") && headerHasToken(h, "Connection", "HTTP2-Settings") &&
		len(h.Values("HTTP2-Settings")) == 1
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func (u *h2cUpgrader) track(c net.Conn) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.conns == nil {
		return false
	}
	u.conns[c] = struct{}{}
	return true
}

func (u *h2cUpgrader) untrack(c net.Conn) {
	u.mu.Lock()
	delete(u.conns, c)
	u.mu.Unlock()
	c.Close()
}

// closeAll closes the upgraded connections and refuses new upgrades.
func (u *h2cUpgrader) closeAll() {
	u.mu.Lock()
	conns := u.conns
	u.conns = nil
	u.mu.Unlock()
	for c := range conns {
		c.Close()
	}
}

// bufferedConn reads what the HTTP/1 reader had buffered (the client's preface may already be
// there) before the connection itself.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if c.r != nil {
		if c.r.Buffered() > 0 {
			return c.r.Read(p)
		}
		c.r = nil
	}
	return c.Conn.Read(p)
}
