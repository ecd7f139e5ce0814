package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwsdk "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/shardstorm/shardstorm/producer"
)

// Writer is what the publisher needs of a CloudWatch client; *cwsdk.Client has it.
type Writer interface {
	PutMetricData(ctx context.Context, in *cwsdk.PutMetricDataInput, optFns ...func(*cwsdk.Options)) (*cwsdk.PutMetricDataOutput, error)
}

// PublisherSource is where the publisher reads the producer's figures; *producer.Producer is one.
type PublisherSource interface {
	Stats() producer.Stats
}

// PublisherTotals count what a Publisher did since it was made.
type PublisherTotals struct {
	Calls     int64 // PutMetricData requests that succeeded
	Published int64 // datums in them
	Dropped   int64 // datums given up: refused as invalid, or pushed out of a full retry queue
	Pending   int   // datums waiting for CloudWatch to come back
}

// Publisher uploads the producer's own metrics to CloudWatch under the KPL's names, so the
// dashboards and alarms of KPL users keep working: every Interval it publishes what changed
// since the last publication (counts as deltas of the cumulative counters; ratios and mean
// latencies over the interval; UserRecordsPending as it is now). Datums that CloudWatch does
// not take for a passing reason (throttling, outage, denied access being fixed) are kept, in a
// bounded queue, and sent again, so a blip loses nothing and nothing is counted twice.
//
// Off unless Config.Enabled. Safe for concurrent use.
type Publisher struct {
	cw  Writer
	src PublisherSource
	cfg PublisherConfig

	pubMu   sync.Mutex // one publication at a time; guards prev and pending
	prev    producer.Stats
	pending []types.MetricDatum

	totalsMu sync.Mutex
	totals   PublisherTotals

	state stateTracker
	run   loopRunner
}

// NewPublisher makes a publisher. The first publication covers what happens from now on:
// a producer that ran before is not dumped into one data point.
func NewPublisher(cw Writer, src PublisherSource, cfg PublisherConfig) (*Publisher, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cw == nil || src == nil {
		return nil, errors.New("metrics: CloudWatch publisher needs a CloudWatch client and a producer")
	}
	p := &Publisher{cw: cw, src: src, cfg: cfg, prev: src.Stats()}
	p.state.unavailableAfter = cfg.UnavailableAfter
	if !cfg.Enabled {
		p.state.setStatus(Disabled, cfg.Now())
	}
	return p, nil
}

// Config returns the configuration in use, defaults filled in.
func (p *Publisher) Config() PublisherConfig { return p.cfg }

// State reports how publishing goes.
func (p *Publisher) State() State { return p.state.state() }

// Totals reports what was published, dropped and is pending.
func (p *Publisher) Totals() PublisherTotals {
	p.totalsMu.Lock()
	defer p.totalsMu.Unlock()
	return p.totals
}

// Publish uploads what changed since the last publication (and whatever earlier ones could
// not deliver), now. It returns what went wrong; the state is updated either way, except when
// ctx itself was cancelled. It does nothing when publishing is disabled. Call it once after
// Stop to deliver the last partial interval.
func (p *Publisher) Publish(ctx context.Context) error {
	if !p.cfg.Enabled {
		return nil
	}
	p.pubMu.Lock()
	defer p.pubMu.Unlock()
	now := p.cfg.Now()
	cur := p.src.Stats()
	p.enqueue(kplDatums(deltaStats(p.prev, cur), p.cfg, now.Truncate(0)))
	p.prev = cur

	pctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	var (
		errs []error
		sent int
		done int // datums at the front of pending that were sent or dropped
	)
	for _, batch := range cwBatches(p.pending) {
		_, err := p.cw.PutMetricData(pctx, &cwsdk.PutMetricDataInput{Namespace: aws.String(p.cfg.Namespace), MetricData: batch})
		if cwCancelled(ctx, err) {
			// Stopped: what is left goes out with the next Publish.
			p.pending = append(p.pending[:0], p.pending[done:]...)
			p.count(func(t *PublisherTotals) { t.Pending = len(p.pending) })
			return err
		}
		if err == nil {
			sent++
			done += len(batch)
			p.count(func(t *PublisherTotals) { t.Calls++; t.Published += int64(len(batch)) })
			continue
		}
		if invalidRequest(err) {
			// The same datums would be refused again: drop them and say so.
			errs = append(errs, fmt.Errorf("%d datums dropped: %w", len(batch), err))
			done += len(batch)
			p.count(func(t *PublisherTotals) { t.Dropped += int64(len(batch)) })
			continue
		}
		// Passing trouble, or access being denied until IAM is fixed: keep this batch and the
		// rest for the next attempt.
		errs = append(errs, err)
		break
	}
	p.pending = append(p.pending[:0], p.pending[done:]...)
	p.count(func(t *PublisherTotals) { t.Pending = len(p.pending) })

	err := errors.Join(errs...)
	switch {
	case err == nil:
		p.state.succeeded(now, nil)
	case sent > 0:
		p.state.succeeded(now, err)
	default:
		p.state.failed(now, err)
	}
	return err
}

// enqueue adds datums to the retry queue, dropping the oldest beyond MaxPending.
func (p *Publisher) enqueue(datums []types.MetricDatum) {
	p.pending = append(p.pending, datums...)
	if extra := len(p.pending) - p.cfg.MaxPending; extra > 0 {
		p.pending = append(p.pending[:0], p.pending[extra:]...)
		p.count(func(t *PublisherTotals) { t.Dropped += int64(extra) })
	}
}

func (p *Publisher) count(f func(*PublisherTotals)) {
	p.totalsMu.Lock()
	f(&p.totals)
	p.totalsMu.Unlock()
}

// Start publishes in the background every Interval until ctx is done or Stop is called,
// backing off after failures. With publishing disabled it starts nothing. It runs once: a
// second Start is an error, even after Stop.
func (p *Publisher) Start(ctx context.Context) error {
	if !p.cfg.Enabled {
		return nil
	}
	return p.run.start(ctx, p.loop)
}

// Stop ends background publishing and waits for it. It does not publish the interval in
// progress: call Publish afterwards for that.
func (p *Publisher) Stop() { p.run.stop() }

func (p *Publisher) loop(ctx context.Context) {
	for {
		wait := backoffAfter(p.cfg.Interval, p.cfg.BackoffMax, p.state.failures())
		p.state.setNextAttempt(p.cfg.Now().Add(wait))
		if !cwSleep(ctx, wait) {
			return
		}
		_ = p.Publish(ctx) // the outcome is in the state
	}
}
