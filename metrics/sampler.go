package metrics

import (
	"errors"
	"sync"
	"time"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// ProducerSource is what the sampler reads the producer through: *producer.Producer.
type ProducerSource interface{ Stats() producer.Stats }

// WorkloadSource is what it reads the workload through: *workload.Generator.
type WorkloadSource interface{ Stats() workload.Stats }

// Kinesis's per-shard write limits, the 100% of the *_pct series.
const (
	ShardRecordsPerSec = 1000
	ShardBytesPerSec   = 1 << 20
)

// Defaults of Config.
const (
	DefaultInterval = 250 * time.Millisecond
	DefaultWindow   = 10 * time.Minute
)

// Config sets up a Sampler. Zero fields take the defaults.
type Config struct {
	// Stream names the stream in exports (Prometheus labels, CSV, summary).
	Stream string
	// Producer is read at every sample; required.
	Producer ProducerSource
	// Workload, if set, gives offered_records/bytes (what the generator emitted) and the
	// workload series, and the scheduled and dropped terms of the summary's accounting.
	Workload WorkloadSource
	// Offered, if set (and installed as a producer hook), gives offered_records/bytes per
	// shard, and per stream when there is no Workload.
	Offered *OfferCounter
	// Fleet, if set, is the producer's clients when the producer is a fleet of simple clients:
	// the clients_* and reconnects series and the summary's fleet section.
	Fleet FleetSource
	// Profile names the producer (shardstorm, kpl, putrecords, putrecord) in the snapshots'
	// Settings and the summary; "" is shardstorm's.
	Profile string
	// Interval is the sampling period of Start. Default 250 ms.
	Interval time.Duration
	// Window is how far back the stream's series reach: they hold Window/Interval points.
	// Default 10 minutes.
	Window time.Duration
	// ShardWindow is the same for each shard's series (at most Window; default Window). Shards
	// hold most of the memory — measured 100 to 150 KB per shard for 10 minutes at 250 ms, so
	// some 50 MB at 512 shards — and a dashboard of hundreds of shards may want it shorter.
	ShardWindow time.Duration
	// ShardRecordsPerSec and ShardBytesPerSec are the 100% of the *_pct series and of the
	// summary's capacity figures. Defaults: Kinesis's 1000 records/s and 1 MiB/s.
	ShardRecordsPerSec, ShardBytesPerSec float64
	// OnSample, if set, is called with every snapshot after it is stored, on the sampling
	// goroutine and in order (e.g. a CSVWriter streaming the whole run). It must not call the
	// sampler.
	OnSample func(*Snapshot)
}

func (c Config) withDefaults() Config {
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.ShardWindow <= 0 || c.ShardWindow > c.Window {
		c.ShardWindow = c.Window
	}
	if c.ShardRecordsPerSec <= 0 {
		c.ShardRecordsPerSec = ShardRecordsPerSec
	}
	if c.ShardBytesPerSec <= 0 {
		c.ShardBytesPerSec = ShardBytesPerSec
	}
	return c
}

// Sampler reads the producer (and the workload) at each sample into a Store of fixed-memory
// series. Drive it with Start/Stop (its own goroutine, every Interval) or by calling Sample
// (tests, headless runs with their own clock). It is safe for concurrent use.
type Sampler struct {
	cfg   Config
	store *Store

	mu    sync.Mutex // one sample at a time; guards the reading state below
	state readState

	runMu      sync.Mutex
	stop, done chan struct{}
}

// NewSampler checks cfg and makes a sampler with an empty store.
func NewSampler(cfg Config) (*Sampler, error) {
	if cfg.Producer == nil {
		return nil, errors.New("metrics: sampler needs a producer source")
	}
	cfg = cfg.withDefaults()
	points := max(int(cfg.Window/cfg.Interval), 2)
	shardPoints := max(int(cfg.ShardWindow/cfg.Interval), 2)
	var streamOn, shardOn [numMetrics]bool
	for m := range numMetrics {
		info := metricTable[m]
		streamOn[m] = (!info.workload || cfg.Workload != nil) && (!fleetMetric(m) || cfg.Fleet != nil)
		shardOn[m] = info.perShard
	}
	streamOn[OfferedBytes] = cfg.Workload != nil || cfg.Offered != nil
	shardOn[OfferedRecords] = cfg.Offered != nil
	shardOn[OfferedBytes] = cfg.Offered != nil
	s := &Sampler{cfg: cfg, store: newStore(cfg.Stream, points, shardPoints, newHeatRows(cfg.Window, cfg.ShardRecordsPerSec, cfg.ShardBytesPerSec), streamOn, shardOn)}
	s.state.tracks = map[string]*shardTrack{}
	s.state.errTotals = map[string]int64{}
	return s, nil
}

// Store is where the samples go; read it from any goroutine.
func (s *Sampler) Store() *Store { return s.store }

// Config returns the configuration in use, defaults filled in.
func (s *Sampler) Config() Config { return s.cfg }

// Sample reads the sources now and stores the values. The first sample is the baseline: its
// snapshot has levels but no rates, and it adds no point to the series. A sample not after the
// previous one is ignored (it returns the latest snapshot).
func (s *Sampler) Sample(now time.Time) *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sampleLocked(now)
}

func (s *Sampler) sampleLocked(now time.Time) *Snapshot {
	if s.state.n > 0 && !now.After(s.state.prev.t) {
		return s.store.Latest()
	}
	cur := s.read(now)
	snap := s.compute(cur)
	s.state.prev = cur
	s.state.n++
	if snap.Interval > 0 {
		s.store.append(snap)
	}
	s.store.latest.Store(snap)
	if s.cfg.OnSample != nil {
		s.cfg.OnSample(snap)
	}
	return snap
}

// Start samples now and then every Interval on a goroutine of its own, until Stop. Starting a
// started sampler does nothing.
func (s *Sampler) Start() {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stop != nil {
		return
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.loop(s.stop, s.done)
}

// Stop stops the goroutine Start began and waits for it to return. It takes no last sample:
// Summary does.
func (s *Sampler) Stop() {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.stop == nil {
		return
	}
	close(s.stop)
	<-s.done
	s.stop, s.done = nil, nil
}

func (s *Sampler) loop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	s.Sample(time.Now())
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			// The reading's time, not the tick's: a tick delivered late must not make the
			// interval look shorter than the counters saw.
			s.Sample(time.Now())
		}
	}
}
