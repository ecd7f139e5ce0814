package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Poller reads a stream's AWS/Kinesis metrics from CloudWatch with GetMetricData:
// stream-level ones always, shard-level ones for the shards it is told about while enhanced
// monitoring is on. It keeps the last Config.History points of each series and reports, for
// each, the latest value and how old it is — CloudWatch data lags (minutes on AWS), and the
// dashboard must say so. Failures become a State, never a crash or a blank.
//
// Run it in the background with Start/Stop, or call Poll yourself (tests, headless runs).
// Safe for concurrent use.
type Poller struct {
	cw  Reader
	kin StreamDescriber
	cfg Config

	pollMu sync.Mutex // one poll at a time, whoever calls it

	mu       sync.Mutex
	shards   []string
	shardSet map[string]bool // shards as a set: at 10,000 shards a scan per series was quadratic
	enabled  map[string]bool // shard-level metrics being read
	hist     map[Metric]*pointHistory
	// sorted is the latest point of every series in the Snapshot's order, kept until the
	// histories change (a poll, SetShards, the enabled metrics): the dashboard asks every
	// frame, and sorting 80,000 series at 10,000 shards took a quarter of a second.
	sorted []Latest
	stale  bool

	state stateTracker
	run   loopRunner
}

// NewPoller makes a poller. kin may be nil unless cfg.ShardLevel is Auto.
func NewPoller(cw Reader, kin StreamDescriber, cfg Config) (*Poller, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cw == nil {
		return nil, errors.New("metrics: CloudWatch poller needs a CloudWatch client")
	}
	if kin == nil && cfg.ShardLevel == ShardLevelAuto {
		return nil, errors.New("metrics: CloudWatch poller: ShardLevel Auto needs a Kinesis client (for DescribeStreamSummary); pass one or set ShardLevel On or Off")
	}
	p := &Poller{cw: cw, kin: kin, cfg: cfg, hist: map[Metric]*pointHistory{}}
	p.state.unavailableAfter = cfg.UnavailableAfter
	if cfg.ShardLevel == ShardLevelOn {
		p.enabled = allShardLevel()
	}
	return p, nil
}

// Config returns the configuration in use, defaults filled in.
func (p *Poller) Config() Config { return p.cfg }

// SetShards sets the shards whose shard-level metrics are read (e.g. the producer's current
// shard map). The history of shards no longer listed is dropped, so memory follows the map.
func (p *Poller) SetShards(ids []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shards = slices.Clone(ids)
	p.shardSet = make(map[string]bool, len(ids))
	for _, id := range ids {
		p.shardSet[id] = true
	}
	for m := range p.hist {
		if m.ShardID != "" && !p.shardSet[m.ShardID] {
			delete(p.hist, m)
		}
	}
	p.stale = true
}

// State reports how polling goes.
func (p *Poller) State() State { return p.state.state() }

// Poll reads CloudWatch once, now, and returns what went wrong (nil when everything was read).
// The state is updated either way, except when ctx itself was cancelled.
func (p *Poller) Poll(ctx context.Context) error {
	p.pollMu.Lock()
	defer p.pollMu.Unlock()
	pctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	now := p.cfg.Now()

	var problems []error
	if p.cfg.ShardLevel == ShardLevelAuto {
		on, err := enhancedMetrics(pctx, p.kin, p.cfg.StreamName)
		if cwCancelled(ctx, err) {
			return err
		}
		if err != nil {
			// Keep reading what was on before: stream-level data does not depend on it.
			problems = append(problems, fmt.Errorf("checking enhanced monitoring: %w", err))
		} else {
			p.mu.Lock()
			p.enabled, p.stale = on, true
			p.mu.Unlock()
		}
	}

	// Only whole periods: the current one is still filling up.
	period := int64(p.cfg.Period / time.Second)
	end := time.Unix(floorDiv(now.Unix(), period)*period, 0).UTC()
	fresh := end.Add(-time.Duration(p.cfg.Revisit) * p.cfg.Period)
	full := end.Add(-time.Duration(p.cfg.History) * p.cfg.Period)

	// Series read before need only their last few periods; new ones get the whole window.
	p.mu.Lock()
	var revisit, backfill []Metric
	for _, m := range cwWanted(p.shards, p.enabled) {
		if h := p.hist[m]; h != nil && h.backfilled {
			revisit = append(revisit, m)
		} else {
			backfill = append(backfill, m)
		}
	}
	p.mu.Unlock()
	res := fetchResult{points: map[Metric][]Point{}}
	cwFetch(pctx, p.cw, p.cfg.StreamName, p.cfg.Period, fresh, end, revisit, &res)
	cwFetch(pctx, p.cw, p.cfg.StreamName, p.cfg.Period, full, end, backfill, &res)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	problems = append(problems, res.partial...)
	err := errors.Join(problems...)
	if res.calls > 0 && res.failed == res.calls {
		p.state.failed(now, err)
		return err
	}
	p.store(res.points)
	p.state.succeeded(now, err)
	return err
}

// store merges a poll's points into the histories.
func (p *Poller) store(points map[Metric][]Point) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for m, pts := range points {
		if m.ShardID != "" && !p.shardSet[m.ShardID] {
			continue // SetShards dropped it during the poll
		}
		h := p.hist[m]
		if h == nil {
			h = &pointHistory{}
			p.hist[m] = h
		}
		h.merge(pts, p.cfg.History)
		h.backfilled = true
	}
	p.stale = true
}

// Start polls in the background until ctx is done or Stop is called: one poll at once, then
// one every Interval, backing off after failures. It runs once: a second Start
// is an error, even after Stop.
func (p *Poller) Start(ctx context.Context) error {
	return p.run.start(ctx, p.loop)
}

// Stop ends the background polling and waits for it.
func (p *Poller) Stop() { p.run.stop() }

func (p *Poller) loop(ctx context.Context) {
	for {
		_ = p.Poll(ctx) // the outcome is in the state
		if ctx.Err() != nil {
			return
		}
		wait := backoffAfter(p.cfg.Interval, p.cfg.BackoffMax, p.state.failures())
		p.state.setNextAttempt(p.cfg.Now().Add(wait))
		if !cwSleep(ctx, wait) {
			return
		}
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
