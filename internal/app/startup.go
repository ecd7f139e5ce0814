package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Every call Start makes before the load (describe, create, list shards) is bounded: an endpoint
// that accepts connections and never answers once left a run printing nothing, forever.

// waitingNoteAfter is how long a startup call may take before Start says what it waits for.
const waitingNoteAfter = 2 * time.Second

// minStartupTimeout is the least a startup call is given, whatever the request timeout: a cold
// endpoint (a container starting, a proxy dialling) may take a few seconds to answer its first call.
const minStartupTimeout = 5 * time.Second

// startupTimeout bounds one startup call with its retries: the SDK's standard retryer makes up
// to 3 attempts, each given the producer's request timeout.
func (o *Options) startupTimeout() time.Duration {
	return max(3*o.Producer.RequestTimeout, minStartupTimeout)
}

// startupCall runs one call of the start-up, named op (the API operation), with its timeout; after
// waitingNoteAfter it tells opts.Status what it is waiting for. A call that got no answer in time
// fails naming the call and the endpoint.
func (r *Run) startupCall(ctx context.Context, op string, call func(context.Context) error) error {
	limit := r.opts.startupTimeout()
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	where := r.endpoint
	if where == "" {
		where = "AWS"
	}
	// The note is written whole before startupCall returns, or not at all: never after.
	var mu sync.Mutex
	returned := false
	note := time.AfterFunc(waitingNoteAfter, func() {
		mu.Lock()
		defer mu.Unlock()
		if !returned {
			fmt.Fprintf(r.status(), "waiting for %s at %s… (up to %s)\n", op, where, limit)
		}
	})
	defer func() {
		note.Stop()
		mu.Lock()
		returned = true
		mu.Unlock()
	}()
	err := call(cctx)
	if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s at %s: no answer within %s (the endpoint accepts connections but does not answer): %w", op, where, limit, err)
	}
	return err
}

// status is where Start says what it waits for (Options.Status, or nowhere).
func (r *Run) status() io.Writer {
	if r.opts.Status == nil {
		return io.Discard
	}
	return r.opts.Status
}
