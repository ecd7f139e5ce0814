package app

import (
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
)

// restartableEndpoint stands between a run's SDK clients and the embedded emulator, in process,
// so a test can kill the emulator and start another in its place, its state lost, as a
// container restart does: while down, calls find the connection refused; a call in flight when
// the emulator dies finds its connection reset, whatever the dead emulator did with it.
type restartableEndpoint struct {
	mu   sync.Mutex
	emu  *emulator.Emulator // nil while down
	life int                // bumped by each kill
}

var errConnectionRefused = &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

// Do is the SDK's HTTPClient interface.
func (p *restartableEndpoint) Do(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	emu, life := p.emu, p.life
	p.mu.Unlock()
	if emu == nil {
		return nil, errConnectionRefused
	}
	resp, err := emulator.InMemTransport{Handler: emu}.RoundTrip(req)
	p.mu.Lock()
	died := p.life != life
	p.mu.Unlock()
	if died && err == nil {
		return nil, emulator.ErrConnectionReset
	}
	return resp, err
}

// current is the emulator serving now (nil while down).
func (p *restartableEndpoint) current() *emulator.Emulator {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.emu
}

// kill stops the emulator: its streams and records are gone.
func (p *restartableEndpoint) kill() {
	p.mu.Lock()
	p.emu = nil
	p.life++
	p.mu.Unlock()
}

// restart starts a fresh emulator from cfg (with cfg.Streams, as an init script would create
// them, or without).
func (p *restartableEndpoint) restart(t *testing.T, cfg emulator.Config) {
	e, err := emulator.New(cfg)
	if err != nil {
		t.Error(err)
		return
	}
	p.mu.Lock()
	p.emu = e
	p.mu.Unlock()
}

// faultStep is one change at a point of a run's (virtual) time.
type faultStep struct {
	at time.Duration // since the run started
	do func(f *faultTarget)
}

// faultTarget is what a step acts on: the run, and the endpoint its clients reach.
type faultTarget struct {
	t        *testing.T
	run      *Run
	endpoint *restartableEndpoint
	cfg      emulator.Config // the embedded emulator's, Streams included (for a restart)
}

// emu is the emulator serving now.
func (f *faultTarget) emu() *emulator.Emulator { return f.endpoint.current() }

// setFaults sets the faults of the emulator serving now.
func (f *faultTarget) setFaults(faults emulator.Faults) {
	if e := f.emu(); e != nil {
		if err := e.SetFaults(faults); err != nil {
			f.t.Error(err)
		}
	}
}

// heal undoes every fault (the emulator resumed, its faults cleared, one serving), so the
// read-back after the run can read whatever the stream holds.
func (f *faultTarget) heal() {
	if f.emu() == nil {
		cfg := f.cfg
		cfg.Streams = nil // a dead emulator comes back empty unless a step said otherwise
		f.endpoint.restart(f.t, cfg)
	}
	f.emu().Resume()
	f.setFaults(emulator.Faults{})
}

// runSchedule runs the steps at their times (on the bubble's clock) in a goroutine, from start;
// the returned stop ends it, skipping the steps not yet due, and waits for it.
func runSchedule(f *faultTarget, start time.Time, steps []faultStep) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range steps {
			select {
			case <-time.After(time.Until(start.Add(s.at))):
				s.do(f)
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}
