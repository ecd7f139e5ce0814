package recordsample

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shardstorm/shardstorm/metrics"
)

// Reader is the part of the Kinesis API the sampler calls (*kinesis.Client has it).
type Reader interface {
	GetShardIterator(ctx context.Context, in *kinesis.GetShardIteratorInput, optFns ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *kinesis.GetRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error)
}

// Sampler reads a paced sample of a stream's newest records; Sample and Source report it. Its
// methods are safe for concurrent use.
type Sampler struct {
	r      Reader
	cfg    Config
	segLen time.Duration
	turn   time.Duration // how long a shard is read before another may take its place

	wake chan struct{} // the shards or the hint changed, or a shard's read ended
	wg   sync.WaitGroup

	mu      sync.Mutex
	cancel  context.CancelFunc // nil until Start
	stopped bool
	open    []metrics.ShardRange
	busiest []string
	shards  map[string]*shardInfo   // every open shard: what outlives its reads
	running map[string]*run         // the shards read now
	counts  map[string]*shardCounts // shards with arrivals or reads in the window
	stream  map[int64]*streamSegment
	budget  byteBudget
	// leftOut counts the open shards not read now for the byte budget (the rest of those not
	// read are beyond MaxShards).
	leftOutForBytes int

	calls, okCalls, bytesRead, throttled int64
	avgRecordBytes                       float64 // of Kinesis records read, for GetRecords' Limit
	fatal                                *failure
	lastErr                              string
}

// shardInfo is what the sampler keeps of an open shard across its turns.
type shardInfo struct {
	rate        float64   // bytes/s arriving when it was last read
	lastVisited time.Time // when its last turn ended (zero: never read)
	ended       string    // why it is no longer read (closed, not found), "" if it may be
}

// run is one shard's read in progress.
type run struct {
	cancel       context.CancelFunc
	started      time.Time
	backoffUntil time.Time
	backoffWhy   string
}

// failure stops the whole sample: the caller may not read the stream.
type failure struct {
	status, detail string
}

// New returns a sampler of cfg.Stream read through r; Start starts it.
func New(r Reader, cfg Config) (*Sampler, error) {
	if r == nil {
		return nil, errors.New("recordsample: the Reader is nil")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Sampler{
		r: r, cfg: cfg, segLen: cfg.Window / segmentsPerWindow, turn: max(10*time.Second, cfg.Window/6),
		wake:    make(chan struct{}, 1),
		shards:  map[string]*shardInfo{},
		running: map[string]*run{},
		counts:  map[string]*shardCounts{},
		stream:  map[int64]*streamSegment{},
		budget:  byteBudget{rate: float64(cfg.MaxBytesPerSec)},
	}, nil
}

// SetShards sets the stream's open shards (from ListShards); call it again when they change.
func (s *Sampler) SetShards(open []metrics.ShardRange) {
	s.mu.Lock()
	s.open = slices.Clone(open)
	ids := map[string]bool{}
	for _, sh := range open {
		ids[sh.ShardID] = true
		if s.shards[sh.ShardID] == nil {
			s.shards[sh.ShardID] = &shardInfo{}
		}
	}
	for id := range s.shards {
		if !ids[id] {
			delete(s.shards, id)
		}
	}
	s.mu.Unlock()
	s.poke()
}

// SetBusiest hints which shards are busiest, busiest first (from CloudWatch's shard metrics):
// those are sampled first. An empty hint lets the sample find them.
func (s *Sampler) SetBusiest(ids []string) {
	s.mu.Lock()
	s.busiest = slices.Clone(ids)
	s.mu.Unlock()
	s.poke()
}

func (s *Sampler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Start starts reading; it returns at once. Reading stops when ctx is done or Stop is called.
func (s *Sampler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil || s.stopped {
		return
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.budget.last = s.cfg.Now()
	s.budget.level = s.budget.rate
	s.wg.Add(1)
	go s.manage(ctx)
}

// Stop stops reading and waits for the sampler's goroutines; the sample read so far stays.
func (s *Sampler) Stop() {
	s.mu.Lock()
	s.stopped = true
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// manage starts and stops the shards' reads: every second, and when the shards, the hint or a
// read changes.
func (s *Sampler) manage(ctx context.Context) {
	defer s.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		s.reconcile(ctx)
		select {
		case <-ctx.Done():
			s.mu.Lock()
			now := s.cfg.Now()
			for id, r := range s.running {
				s.stopRunLocked(id, r, now)
			}
			s.mu.Unlock()
			return
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// reconcile reads the shards choose picks, and stops the others.
func (s *Sampler) reconcile(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	s.pruneLocked(now)
	if ctx.Err() != nil {
		return
	}
	want := map[string]bool{}
	if s.fatal == nil {
		var chosen []string
		chosen, s.leftOutForBytes = s.chooseLocked(now)
		for _, id := range chosen {
			want[id] = true
		}
	}
	for id, r := range s.running {
		if !want[id] {
			s.stopRunLocked(id, r, now)
		}
	}
	for id := range want {
		if s.running[id] != nil {
			continue
		}
		rctx, cancel := context.WithCancel(ctx)
		r := &run{cancel: cancel, started: now}
		s.running[id] = r
		s.wg.Add(1)
		go s.readShard(rctx, id, r)
	}
}

// stopRunLocked ends a shard's turn: its read stops, its rate is remembered for the next choice.
func (s *Sampler) stopRunLocked(id string, r *run, now time.Time) {
	r.cancel()
	delete(s.running, id)
	if c := s.counts[id]; c != nil {
		c.endSpan(now)
	}
	if info := s.shards[id]; info != nil {
		info.lastVisited = now
		if rate, ok := s.measuredRateLocked(id, now); ok {
			info.rate = rate
		}
	}
}

// endRun is a read's own end (the shard closed, or cannot be read): its turn ends for good.
func (s *Sampler) endRun(id string, r *run, why string) {
	s.mu.Lock()
	if s.running[id] == r {
		s.stopRunLocked(id, r, s.cfg.Now())
		if info := s.shards[id]; info != nil {
			info.ended = why
		}
	}
	s.mu.Unlock()
	s.poke()
}

// pruneLocked drops what has left the window.
func (s *Sampler) pruneLocked(now time.Time) {
	since := now.Add(-s.cfg.Window)
	for id, c := range s.counts {
		if !c.prune(since, s.segLen) && s.running[id] == nil {
			delete(s.counts, id)
		}
	}
	for i := range s.stream {
		if !segmentEnd(i, s.segLen).After(since) {
			delete(s.stream, i)
		}
	}
}

// measuredRateLocked is the bytes/s the shard received while it was read within the window.
func (s *Sampler) measuredRateLocked(id string, now time.Time) (float64, bool) {
	c := s.counts[id]
	if c == nil {
		return 0, false
	}
	since := now.Add(-s.cfg.Window)
	secs := c.covered(since, now).Seconds()
	if secs < 1 {
		return 0, false
	}
	var bytes int64
	for t, sec := range c.seconds {
		if t >= since.Unix() {
			bytes += sec.bytes
		}
	}
	return float64(bytes) / secs, true
}
