package emulator

import (
	"net/http"
	"sync"
	"sync/atomic"
)

// holdGate is what Pause, the black hole and a server's shutdown share: requests that must not
// be answered wait on it, each until it may go on or its client gives up.
//
// Effects (an operation changing or reading the emulator's state) run under effect.RLock;
// Pause flips the paused flag under effect.Lock, so once Pause returns no effect is under way
// and none starts until Resume: nothing takes effect while paused, to the request.
type holdGate struct {
	effect sync.RWMutex

	mu      sync.Mutex
	resumed chan struct{} // nil while running; closed by Resume
	stopped chan struct{} // closed by stop: every held request is let go unanswered

	held atomic.Int64 // requests waiting here now
}

func newHoldGate() *holdGate { return &holdGate{stopped: make(chan struct{})} }

// Pause stops the emulator as SIGSTOP stops a process: every request arriving, or in flight and
// not yet answered, waits unanswered until Resume or until its client gives up, and nothing
// takes effect meanwhile. Pause of a paused emulator does nothing.
func (e *Emulator) Pause() {
	g := e.hold
	g.effect.Lock() // waits for an effect under way, so none straddles the pause
	g.mu.Lock()
	if g.resumed == nil {
		g.resumed = make(chan struct{})
	}
	g.mu.Unlock()
	g.effect.Unlock()
}

// Resume lets the requests held by Pause go on, as SIGCONT does. Resume of a running emulator
// does nothing.
func (e *Emulator) Resume() {
	g := e.hold
	g.mu.Lock()
	if g.resumed != nil {
		close(g.resumed)
		g.resumed = nil
	}
	g.mu.Unlock()
}

// Paused reports whether the emulator is paused.
func (e *Emulator) Paused() bool {
	g := e.hold
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.resumed != nil
}

// Held returns how many requests are held unanswered right now (by Pause or the black hole).
func (e *Emulator) Held() int { return int(e.hold.held.Load()) }

// wait blocks until ch closes, the client gives up or the server stops; true for ch.
func (g *holdGate) wait(r *http.Request, ch <-chan struct{}) bool {
	g.held.Add(1)
	defer g.held.Add(-1)
	select {
	case <-ch:
		return true
	case <-r.Context().Done():
		return false
	case <-g.stopped:
		return false
	}
}

// waitWhilePaused returns true when the emulator is running (at once, or after Resume), false
// when the client gave up or the server is stopping first: the request is then not answered.
func (g *holdGate) waitWhilePaused(r *http.Request) bool {
	for {
		g.mu.Lock()
		resumed := g.resumed
		g.mu.Unlock()
		if resumed == nil {
			return true
		}
		if !g.wait(r, resumed) {
			return false
		}
	}
}

// runEffect runs effect unless or until the emulator is not paused; false (effect not run) when
// the client gave up or the server is stopping while it waited.
func (g *holdGate) runEffect(r *http.Request, effect func()) bool {
	for {
		g.effect.RLock()
		g.mu.Lock()
		resumed := g.resumed
		g.mu.Unlock()
		if resumed == nil {
			defer g.effect.RUnlock()
			effect()
			return true
		}
		g.effect.RUnlock()
		if !g.wait(r, resumed) {
			return false
		}
	}
}

// holdForever holds a request the black hole swallowed until its client gives up (or the
// server stops); it is never answered.
func (g *holdGate) holdForever(r *http.Request) { g.wait(r, nil) }

// stop lets every held request go, unanswered (their connections break): a server shutting
// down does not wait for clients of a paused or black-holed emulator to give up.
func (g *holdGate) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.stopped:
	default:
		close(g.stopped)
	}
}

// breakConnection ends the request with no answer: net/http closes the connection (it recovers
// http.ErrAbortHandler without logging), and InMemTransport turns it into a connection reset.
func breakConnection() { panic(http.ErrAbortHandler) }
