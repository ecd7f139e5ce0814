package fleet

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/producer"
)

// Client is the part of the Kinesis API the fleet's clients call (*kinesis.Client has it).
type Client interface {
	PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error)
	PutRecord(ctx context.Context, in *kinesis.PutRecordInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordOutput, error)
}

// maxInFlight bounds the requests in flight across the fleet (each is one goroutine): a
// thundering herd of more clients than this queues for a slot, oldest ready first.
const maxInFlight = 1024

// Fleet is N small clients writing to one stream. Its methods are safe for concurrent use.
type Fleet struct {
	cfg   Config
	kin   Client
	start time.Time

	// mu guards the clients' buffers and the scheduling state below; callbacks run outside it.
	mu          sync.Mutex
	clients     []client
	wakes       wakeHeap
	waitingSlot []int // clients with a batch to send, waiting for a request slot
	inFlight    int
	closing     bool          // Close has begun: no new records, every buffer is sent at once
	gaveUp      bool          // Close's ctx ended: what is left resolves as it is
	space       chan struct{} // closed (and replaced) when a buffer makes room, if spaceWanted
	spaceWanted bool
	drained     chan struct{} // closed once closing and nothing is pending
	resolved    []resolution  // resolutions collected under mu, run by unlock

	rr       atomic.Uint64 // the round-robin deal of records to clients
	kick     chan struct{} // the scheduler's next wake may have moved earlier
	stop     chan struct{}
	sendCtx  context.Context
	abandon  context.CancelFunc
	requests sync.WaitGroup
	loopDone chan struct{}

	st counters
}

// New starts a fleet (its scheduler goroutine). ctx is not kept: Close ends the fleet.
func New(ctx context.Context, kin Client, cfg Config) (*Fleet, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f := &Fleet{
		cfg: cfg, kin: kin, start: time.Now(),
		clients: make([]client, cfg.Clients),
		space:   make(chan struct{}), drained: make(chan struct{}),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), loopDone: make(chan struct{}),
	}
	for i := range f.clients {
		f.clients[i].online = true
	}
	f.sendCtx, f.abandon = context.WithCancel(context.Background())
	f.st.init()
	go f.schedule()
	return f, nil
}

// item is one record a client holds, from Put to its resolution.
type item struct {
	rec      producer.Record
	done     func(producer.Result)
	size     int64 // data + partition key
	arrival  time.Time
	attempts []producer.Attempt
}

// resolution is a record's result, delivered to its callback once the lock is released.
type resolution struct {
	it  *item
	res producer.Result
}

// Put hands r to the next client (round-robin), waiting while that client's buffer is full.
// done is called exactly once with the record's result (from a fleet goroutine).
func (f *Fleet) Put(ctx context.Context, r producer.Record, done func(producer.Result)) error {
	i := f.next()
	for {
		wait, err := f.put(i, r, done)
		if wait == nil {
			return err
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// TryPut is Put that fails at once with ErrBufferFull when the client's buffer is full.
func (f *Fleet) TryPut(r producer.Record, done func(producer.Result)) error {
	if wait, err := f.put(f.next(), r, done); wait != nil {
		return fmt.Errorf("fleet: client buffer of %d records full: %w", f.cfg.Buffer, ErrBufferFull)
	} else {
		return err
	}
}

func (f *Fleet) next() int { return int((f.rr.Add(1) - 1) % uint64(len(f.clients))) }

// put buffers r in client i, or returns a channel closed when buffers have room again.
func (f *Fleet) put(i int, r producer.Record, done func(producer.Result)) (<-chan struct{}, error) {
	if done == nil {
		done = func(producer.Result) {}
	}
	f.mu.Lock()
	defer f.unlock()
	if f.closing {
		return nil, producer.ErrClosed
	}
	c := &f.clients[i]
	if len(c.buf) >= f.cfg.Buffer {
		f.spaceWanted = true
		return f.space, nil
	}
	now := time.Now()
	c.buf = append(c.buf, &item{rec: r, done: done, size: int64(len(r.Data) + len(r.PartitionKey)), arrival: now})
	f.st.received.Add(1)
	f.st.pending.Add(1)
	f.service(i, now)
	return nil, nil
}

// unlock releases mu, then runs the callbacks of the records resolved while it was held.
func (f *Fleet) unlock() {
	out := f.resolved
	f.resolved = nil
	f.mu.Unlock()
	for _, r := range out {
		r.it.done(r.res)
	}
}

// Close stops taking records and sends what the clients hold until ctx ends (an offline client
// cannot send: it waits for its network, or for its records to expire). Then it abandons the
// requests in flight (their records resolve MaybeStored, ErrClosed) and resolves what is still
// held with ErrClosed (NeverSent if never attempted). Every record has resolved when it returns;
// the error is ctx's if records were abandoned.
func (f *Fleet) Close(ctx context.Context) error {
	f.mu.Lock()
	if f.closing {
		f.unlock()
		<-f.loopDone
		return nil
	}
	f.closing = true
	now := time.Now()
	for i := range f.clients {
		if len(f.clients[i].buf) > 0 {
			f.service(i, now)
		}
	}
	f.checkDrained()
	close(f.space) // a Put waiting for room gives up: closing
	f.unlock()

	var err error
	select {
	case <-f.drained:
	case <-ctx.Done():
		err = fmt.Errorf("fleet: close abandoned %d records: %w", f.st.pending.Load(), ctx.Err())
	}
	f.mu.Lock()
	f.gaveUp = true
	f.abandon()
	for i := range f.clients {
		c := &f.clients[i]
		for _, it := range c.buf {
			f.fail(it, producer.ErrClosed, "")
		}
		c.buf = nil
	}
	f.unlock()
	f.requests.Wait()
	close(f.stop)
	<-f.loopDone
	return err
}

// checkDrained closes drained once Close has begun and every record has resolved (mu held).
func (f *Fleet) checkDrained() {
	if f.closing && f.st.pending.Load() == 0 {
		select {
		case <-f.drained:
		default:
			close(f.drained)
		}
	}
}

// roomMade wakes the Puts waiting for buffer room (mu held).
func (f *Fleet) roomMade() {
	if f.closing || !f.spaceWanted {
		return
	}
	f.spaceWanted = false
	close(f.space)
	f.space = make(chan struct{})
}
