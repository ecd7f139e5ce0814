package producer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkhttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/internal/awshttp"
	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// KinesisAPI is what the producer needs of a Kinesis client; *kinesis.Client has it.
//
// PutRecords must not keep the Data of the records it is given once it returns: the producer
// encodes aggregates into buffers it reuses for the next request. (The SDK's client copies them
// into the request body; a stand-in that keeps them must copy them.) Through a *kinesis.Client,
// the buffers are reused as soon as the producer's serializer has written the body, before the
// call returns: a wrapper around the client must read the input's Data before calling it, not
// after.
type KinesisAPI interface {
	PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error)
	ListShards(ctx context.Context, in *kinesis.ListShardsInput, optFns ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
	DescribeStreamSummary(ctx context.Context, in *kinesis.DescribeStreamSummaryInput, optFns ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error)
}

type streamRef struct{ name, arn *string }

// Producer sends user records to one Kinesis stream. Safe for concurrent use.
type Producer struct {
	api       KinesisAPI
	ref       streamRef
	label     string // the stream's name or ARN, for messages
	cfg       atomic.Pointer[Config]
	opts      []func(*kinesis.Options) // per-call client options: SDK retries off, enough connections
	transport *http.Transport          // the producer's own, when it built one; nil otherwise
	maxRec    int                      // the stream's max record size, data + key
	epoch     time.Time                // user records' times are nanoseconds since (nanotime)

	smap      atomic.Pointer[routeMap]
	refreshCh chan struct{}

	gate      bufferGate
	wake      chan struct{}
	flushing  atomic.Int32
	closed    atomic.Bool
	aborting  atomic.Bool
	stop      chan struct{}
	ctx       context.Context // cancelled when Close gives up waiting: aborts requests
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once

	slots     slotPool
	senders   senderPool
	slabs     slabStock // emptied slabs of delivered aggregates
	keys      *keyCache // hash keys of recent partition keys
	hooks     hooks
	parked    wrongShardPark
	collector collector // owned by the dispatcher goroutine
	stats     streamCounters
	hist      histograms
}

// New starts a producer for the stream cfg names, loading its shard map and max record size.
func New(ctx context.Context, api KinesisAPI, cfg Config) (*Producer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	p := &Producer{
		api:       api,
		refreshCh: make(chan struct{}, 1),
		wake:      make(chan struct{}, 1),
		senders:   senderPool{work: make(chan sendJob)},
		stop:      make(chan struct{}),
		keys:      newKeyCache(),
		epoch:     time.Now(),
	}
	if cfg.StreamName != "" {
		p.ref.name, p.label = aws.String(cfg.StreamName), cfg.StreamName
	}
	if cfg.StreamARN != "" {
		p.ref.arn, p.label = aws.String(cfg.StreamARN), cfg.StreamARN
	}
	p.cfg.Store(&cfg)
	p.hooks = newHooks(cfg.Hooks)
	p.opts, p.transport = clientOptions(api, cfg.MaxConnections)
	p.gate.init()
	p.gate.setLimits(int64(cfg.MaxBufferedRecords), cfg.MaxBufferedBytes)
	p.hist.init(p.epoch)

	var err error
	if p.maxRec, err = p.loadMaxRecordSize(ctx); err != nil {
		return nil, err
	}
	m, err := loadShardMap(ctx, api, p.ref)
	if err != nil {
		return nil, fmt.Errorf("producer: stream %s: %w", p.label, err)
	}
	p.installMap(m)
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.wg.Add(2)
	go p.dispatchLoop()
	go p.refreshLoop()
	return p, nil
}

// clientOptions turns the SDK's own retries off (the producer owns retries; the default retryer
// would silently retry throttles), writes PutRecords bodies itself (see wire_json.go) and gives the transport its own copy of request bodies (see
// awshttp.OwnBody). For the SDK's default HTTP client it builds the producer's own transport from
// the client's settings, keeping enough idle connections per host for MaxConnections requests in
// flight (the default keeps 10); Close releases that transport's connections.
func clientOptions(api KinesisAPI, maxConns int) ([]func(*kinesis.Options), *http.Transport) {
	opts := []func(*kinesis.Options){func(o *kinesis.Options) { o.RetryMaxAttempts = 1 }, withPutRecordsSerializer}
	if c, ok := api.(*kinesis.Client); ok {
		if bc, ok := c.Options().HTTPClient.(*sdkhttp.BuildableClient); ok {
			tr := bc.GetTransport() // a copy with the client's settings
			tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, 2*maxConns)
			tr.MaxIdleConns = max(tr.MaxIdleConns, 2*maxConns)
			hc := awshttp.OwnBody(&http.Client{Transport: tr})
			return append(opts, func(o *kinesis.Options) { o.HTTPClient = hc }), tr
		}
	}
	return append(opts, func(o *kinesis.Options) {
		if o.HTTPClient != nil {
			o.HTTPClient = awshttp.OwnBody(o.HTTPClient)
		}
	}), nil
}

// loadMaxRecordSize reads the stream's MaxRecordSizeInKiB; a caller allowed only to write
// (AccessDenied on DescribeStreamSummary) gets the default 1 MiB.
func (p *Producer) loadMaxRecordSize(ctx context.Context) (int, error) {
	out, err := p.api.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: p.ref.name, StreamARN: p.ref.arn})
	if err != nil {
		if code := errorCode(err); code == "ResourceNotFoundException" {
			return 0, fmt.Errorf("producer: stream %s: %w", p.label, err)
		}
		return mib, nil
	}
	if kib := out.StreamDescriptionSummary.MaxRecordSizeInKiB; kib != nil && *kib > 0 {
		return int(*kib) * 1024, nil
	}
	return mib, nil
}

// Config returns the configuration in force.
func (p *Producer) Config() Config { return *p.cfg.Load() }

// Reconfigure changes the configuration while running: RateLimit, RecordMaxBufferedTime,
// RecordTtl, DisableAggregation, MaxConnections, FailIfThrottled, DisableAdaptive,
// AdaptiveFloor, buffer bounds. The stream and the request size limits cannot change. Records
// already buffered keep their deadlines; the next decision of each stage uses the new values.
//
// change may be called more than once: Reconfigure applies it to a copy of the current
// configuration and retries with a fresh copy if another Reconfigure won the race, so change
// must be a pure function of the Config it is given (set fields, do not count calls or toggle
// outside state). A Validate error is returned without applying anything.
func (p *Producer) Reconfigure(change func(*Config)) error {
	for {
		old := p.cfg.Load()
		next := *old
		change(&next)
		if next.StreamName != old.StreamName || next.StreamARN != old.StreamARN || next.RequestSizeLimit != old.RequestSizeLimit {
			return errors.New("producer: Reconfigure cannot change the stream or RequestSizeLimit")
		}
		if err := next.Validate(); err != nil {
			return err
		}
		next = next.withDefaults()
		if p.cfg.CompareAndSwap(old, &next) {
			p.gate.setLimits(int64(next.MaxBufferedRecords), next.MaxBufferedBytes)
			p.poke()
			return nil
		}
	}
}

// Put accepts a record for sending and calls cb (if not nil) exactly once when it resolves,
// from a producer goroutine: keep cb short. It blocks while the buffers are full, or while the
// record's shard holds more than it can deliver within RecordTtl, until space or ctx is done. If Put returns an error the record was not accepted and cb is never called.
func (p *Producer) Put(ctx context.Context, r Record, cb func(Result)) error {
	return p.put(ctx, r, cb, true)
}

// TryPut is Put that fails at once with ErrBufferFull instead of waiting for space (or
// ErrShardBacklog, which matches ErrBufferFull, when the record's shard alone is too far behind).
func (p *Producer) TryPut(r Record, cb func(Result)) error {
	return p.put(context.Background(), r, cb, false)
}

// PutSync sends a record and waits for its result. The error is Put's, or the record's.
func (p *Producer) PutSync(ctx context.Context, r Record) (Result, error) {
	done := make(chan Result, 1)
	if err := p.Put(ctx, r, func(res Result) { done <- res }); err != nil {
		return Result{Record: r, Err: err}, err
	}
	select {
	case res := <-done:
		return res, res.Err
	case <-ctx.Done():
		// The record stays in flight and resolves later; the caller stopped waiting.
		return Result{Record: r, Err: ctx.Err()}, ctx.Err()
	}
}

func (p *Producer) put(ctx context.Context, r Record, cb func(Result), wait bool) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if err := p.checkSizes(r); err != nil {
		return err
	}
	size := int64(len(r.Data) + len(r.PartitionKey))
	// Under overload most refusals are here: a TryPut on a full buffer is refused before the
	// key's MD5 and the shard lookup it would not use. A record with an explicit hash key still
	// has it read first, so an unreadable one is refused as invalid whatever the buffer holds.
	if !wait && r.ExplicitHashKey == "" && !p.gate.hasRoom(size) {
		return ErrBufferFull
	}
	hash, err := p.hashKey(r)
	if err != nil {
		return err
	}
	if r.Data == nil {
		r.Data = []byte{} // the API requires Data; an empty blob is valid
	}
	m := p.smap.Load() // one lookup serves the backlog check and the routing
	s, holds := m.shardFor(hash)
	if wait {
		if err := p.waitShardRoom(ctx, s, hash); err != nil {
			return err
		}
		if err := p.gate.acquire(ctx, size, p.stop); err != nil {
			if errors.Is(err, errGateClosed) {
				return ErrClosed
			}
			return err
		}
	} else if !p.tryShardRoom(s) {
		return ErrShardBacklog
	} else if !p.gate.tryAcquire(size) {
		return ErrBufferFull
	}
	if p.closed.Load() { // closed while waiting for space
		p.gate.release(1, size)
		return ErrClosed
	}
	cfg := p.cfg.Load()
	at := p.sinceEpoch()
	u := userRecord{rec: r, hash: hash, size: size, cb: cb,
		arrival: at, deadline: at + nanotime(cfg.RecordMaxBufferedTime), expiry: at + nanotime(cfg.RecordTtl)}
	p.stats.received.Add(1)
	shardID := p.routeVia(&u, m, s, holds) // its shard holds a copy of u, in its slab
	for _, h := range p.hooks.routed {
		h.OnRecordRouted(shardID, r.PartitionKey, int(size))
	}
	return nil
}

// checkSizes refuses a record whose partition key or size the service would refuse, naming the
// problem.
func (p *Producer) checkSizes(r Record) error {
	// The limit is in UTF-16 code units, never more than the UTF-8 bytes: a key of at most 256
	// bytes needs no counting (the common case, on the hot path).
	n := len(r.PartitionKey)
	if n > maxPartitionKeyLen {
		n = 0
		for _, c := range r.PartitionKey {
			n += utf16.RuneLen(c)
		}
	}
	switch {
	case n < 1:
		return fmt.Errorf("%w: empty partition key", ErrInvalidRecord)
	case n > maxPartitionKeyLen:
		return fmt.Errorf("%w: partition key of %d characters (at most %d)", ErrInvalidRecord, n, maxPartitionKeyLen)
	case len(r.Data)+len(r.PartitionKey) > p.maxRec:
		return fmt.Errorf("%w: %d bytes of data and partition key, over the stream's maximum record size of %d bytes",
			ErrInvalidRecord, len(r.Data)+len(r.PartitionKey), p.maxRec)
	}
	return nil
}

// hashKey is the hash key r routes by (hashOf's, the MD5s through the producer's cache); an
// unreadable explicit hash key is refused, naming it.
func (p *Producer) hashKey(r Record) (hashkey.Key, error) {
	if r.ExplicitHashKey == "" {
		return p.keys.hashOf(r.PartitionKey), nil
	}
	h, ok := hashOf(r)
	if !ok {
		return hashkey.Key{}, fmt.Errorf("%w: explicit hash key %q is not a decimal in [0, 2^128-1]", ErrInvalidRecord, r.ExplicitHashKey)
	}
	return h, nil
}

// hashOf is the hash key Kinesis routes r by: its explicit hash key, else the MD5 of its
// partition key; false when the explicit hash key is unreadable.
func hashOf(r Record) (hashkey.Key, bool) {
	if r.ExplicitHashKey != "" {
		return hashkey.Parse(r.ExplicitHashKey)
	}
	return hashkey.OfPartitionKey(r.PartitionKey), true
}

// route hands a record to the aggregator of the shard its hash key belongs to in the current
// map, and returns that shard's id. A shard retired by a map swap between the lookup and its lock
// sends the record back here.
func (p *Producer) route(u *userRecord) string {
	m := p.smap.Load()
	s, holds := m.shardFor(u.hash)
	return p.routeVia(u, m, s, holds)
}

// routeVia is route with the first lookup done (s and holds from map m), so Put looks the shard
// up once for its backlog check and its routing; a map swapped since is caught by add.
func (p *Producer) routeVia(u *userRecord, m *routeMap, s *shardState, holds bool) string {
	for {
		if !holds {
			p.requestRefresh()
		}
		if s.add(u, !holds) {
			return s.id
		}
		if p.smap.Load() == m { // retired with no new map: the producer has closed
			p.fail(u, nil, ErrClosed, time.Now())
			return ""
		}
		m = p.smap.Load()
		s, holds = m.shardFor(u.hash)
	}
}

// poke wakes the dispatcher without blocking.
func (p *Producer) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Flush sends everything buffered now, ignoring RecordMaxBufferedTime (the limiter still
// applies), and waits until nothing is buffered or ctx is done.
func (p *Producer) Flush(ctx context.Context) error {
	p.flushing.Add(1)
	defer p.flushing.Add(-1)
	p.poke()
	return p.gate.waitEmpty(ctx)
}

// Close stops accepting records, sends what is buffered, and stops the producer's goroutines.
// If ctx ends first, requests in flight are abandoned and every record not yet resolved fails
// with ErrClosed. No goroutine of the producer outlives Close.
func (p *Producer) Close(ctx context.Context) error {
	var err error
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		err = p.Flush(ctx)
		if err != nil {
			p.aborting.Store(true)
			p.cancel() // requests in flight fail and, aborting, resolve ErrClosed
		}
		close(p.stop)
		p.wg.Wait()
		p.slots.wait()      // every request has returned
		p.senders.wg.Wait() // and every sender has seen p.stop
		p.settleParked(time.Now(), true)
		p.failEverything()
		p.cancel()
		if p.transport != nil {
			p.transport.CloseIdleConnections()
		}
	})
	return err
}
