package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/workload"
)

// queue is the bounded hand-off between the generator and the goroutines of the PutRecord and
// PutRecords contenders: what an application without a producer library typically writes. It
// never grows past its capacity; a record that finds it full is refused (ErrSinkFull) and the
// generator counts it as not sent.
type queue struct {
	ch chan pendingRecord
	t  *tally

	// mu makes closing ch safe against a late Emit or TryEmit (read-locked while they send);
	// stopping wakes an Emit blocked on a full queue so finish can take the lock.
	mu       sync.RWMutex
	closed   bool
	stopping chan struct{}

	// send is the context of the workers' requests; cancelling it abandons them.
	send       context.Context
	cancelSend context.CancelFunc
	workers    sync.WaitGroup
	finishOnce sync.Once
}

// worker sends what the queue hands it, until the queue is closed and empty.
type worker interface {
	run(ctx context.Context, ch <-chan pendingRecord)
}

func newQueue(capacity int, t *tally) *queue {
	q := &queue{ch: make(chan pendingRecord, capacity), t: t, stopping: make(chan struct{})}
	q.send, q.cancelSend = context.WithCancel(context.Background())
	return q
}

func (q *queue) start(n int, w worker) {
	for range n {
		q.workers.Add(1)
		go func() {
			defer q.workers.Done()
			w.run(q.send, q.ch)
		}()
	}
}

func pending(r workload.Record) pendingRecord {
	return pendingRecord{key: r.PartitionKey, data: r.Data, start: time.Now()}
}

// errFinished refuses records once the contender is finishing.
var errFinished = errors.New("bench: contender finished")

// Emit waits for room (or ctx).
func (q *queue) Emit(ctx context.Context, r workload.Record) error {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return errFinished
	}
	select {
	case q.ch <- pending(r):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-q.stopping:
		return errFinished
	}
}

// TryEmit refuses at once when the queue is full.
func (q *queue) TryEmit(r workload.Record) error {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return errFinished
	}
	select {
	case q.ch <- pending(r):
		return nil
	default:
		return workload.ErrSinkFull
	}
}

// finish closes the queue (the generator has stopped), lets the workers empty it until ctx ends,
// then abandons their requests. Workers count what they abandon and what is left in the queue
// as pending.
func (q *queue) finish(ctx context.Context) { q.finishOnce.Do(func() { q.finishNow(ctx) }) }

func (q *queue) finishNow(ctx context.Context) {
	close(q.stopping)
	q.mu.Lock()
	q.closed = true
	close(q.ch)
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		q.cancelSend()
		<-done
	}
	q.cancelSend()
}

// abandon counts records as pending at the end; workers call it once their context is done.
func abandon(t *tally, ch <-chan pendingRecord, held int) {
	n := int64(held)
	for range ch {
		n++
	}
	t.pending.Add(n)
}
