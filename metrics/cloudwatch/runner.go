package cloudwatch

import (
	"context"
	"errors"
	"sync"
	"time"
)

// loopRunner owns one background goroutine: started once, stopped by cancelling it and waiting
// for it to return, so Stop leaves no goroutine behind.
type loopRunner struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

var errCWStarted = errors.New("metrics: already started")

func (r *loopRunner) start(ctx context.Context, loop func(context.Context)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		return errCWStarted
	}
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		loop(ctx)
	}(r.done)
	return nil
}

// stop is safe to call more than once, and before start.
func (r *loopRunner) stop() {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// cwSleep waits d, or returns false as soon as ctx is done.
func cwSleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
