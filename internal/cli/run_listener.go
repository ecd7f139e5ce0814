package cli

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/internal/app"
	"github.com/shardstorm/shardstorm/metrics"
)

// serveMetrics serves the live values at http://ADDR/metrics and the control API at /control
// on ln until the returned stop is called, and says where on status (port 0 picks a free port,
// known only now). The caller listens before the load starts, so a taken address fails first.
// The control API has no authentication: beyond loopback it is served only when allowRemote
// (--allow-remote-control), as the emulator serves beyond loopback only with --allow-remote.
// notify, if not nil, gets each change the control API makes (a headless run prints it).
func serveMetrics(ln net.Listener, run *app.Run, allowRemote bool, status io.Writer, notify func(string)) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.NewPrometheusHandler(run.Store()))
	addr := ln.Addr().String()
	if isLoopback(ln.Addr()) || allowRemote {
		mux.Handle("/control", run.ControlHandler(notify))
		fmt.Fprintf(status, "serving http://%s/metrics and the control API at http://%s/control\n", addr, addr)
	} else {
		mux.Handle("/control", controlOff(addr))
		fmt.Fprintf(status, "serving http://%s/metrics; the control API (/control) is off: %s is not loopback and the API has no authentication (--allow-remote-control serves it)\n", addr, addr)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() { srv.Close() }
}

// isLoopback reports whether a listener's address serves this machine only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// controlOff answers /control when it is not served: 403 with the reason and the flag.
func controlOff(addr string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "{\"error\": %q}\n", "the control API is off: --metrics-addr "+addr+" is not loopback and the API has no authentication; start the run with --allow-remote-control to serve it")
	})
}

// syncWriter serialises writes of whole lines from several goroutines (the progress lines and
// the control API's notes) to one writer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
