package cloudwatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/shardstorm/shardstorm/metrics"
)

// NamespaceReader reads what a producer publishes of itself to CloudWatch — a KPL
// application's metrics, or shardstorm agents' (`run --publish-metrics`) — for one stream:
// ListMetrics finds the series (now and then, as agents, shards and error codes come and go),
// GetMetricData reads the recent window of each (NamespaceConfig says which series and why).
// Failures become a Source status, never a crash or a blank.
//
// Run it in the background with Start/Stop, or call Read yourself (tests, headless runs).
// Safe for concurrent use.
type NamespaceReader struct {
	cw  ListReader
	cfg NamespaceConfig

	readMu sync.Mutex // one read at a time

	mu          sync.Mutex
	found       nsDiscovery
	discovered  time.Time // last successful discovery
	discoverErr error     // the last discovery's failure (nil after a success)
	deniedOp    string    // the permission refused last: "cloudwatch:ListMetrics" or "cloudwatch:GetMetricData"
	figures     *metrics.CWFigures
	queriesLast int // queries in the last read
	callsLast   int // GetMetricData calls in the last read

	state stateTracker
	run   loopRunner
}

// NewNamespaceReader makes a reader; errors name the configuration field.
func NewNamespaceReader(cw ListReader, cfg NamespaceConfig) (*NamespaceReader, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cw == nil {
		return nil, errors.New("metrics: CloudWatch namespace reader needs a CloudWatch client")
	}
	r := &NamespaceReader{cw: cw, cfg: cfg}
	r.state.unavailableAfter = defaultUnavailableAfter
	return r, nil
}

// Config returns the configuration in use, defaults filled in.
func (r *NamespaceReader) Config() NamespaceConfig { return r.cfg }

// State reports how reading goes.
func (r *NamespaceReader) State() State { return r.state.state() }

// Read discovers the series when due and reads their window once, now. It returns what went
// wrong (nil when everything was read); the state is updated either way, except when ctx itself
// was cancelled.
func (r *NamespaceReader) Read(ctx context.Context) error {
	r.readMu.Lock()
	defer r.readMu.Unlock()
	rctx, cancel := context.WithTimeout(ctx, namespaceTimeout)
	defer cancel()
	now := r.cfg.Now()

	r.mu.Lock()
	due := dueForDiscovery(r.discovered, now, r.cfg.Discover)
	r.mu.Unlock()
	if due {
		found, err := discover(rctx, r.cw, r.cfg)
		if cwCancelled(ctx, err) {
			return err
		}
		r.mu.Lock()
		if err != nil {
			r.discoverErr = fmt.Errorf("ListMetrics: %w", err)
			if accessDenied(err) {
				r.deniedOp = "cloudwatch:ListMetrics"
			}
		} else {
			r.found, r.discovered, r.discoverErr = found, now, nil
		}
		hasSeries := r.discovered != (time.Time{})
		discoverErr := r.discoverErr
		r.mu.Unlock()
		if err != nil && !hasSeries {
			r.state.failed(now, discoverErr)
			return discoverErr
		}
	}

	r.mu.Lock()
	series := r.found.series
	discoverErr := r.discoverErr
	r.mu.Unlock()

	var stats []types.MetricStat
	var ids []metrics.CWSeriesID
	for _, s := range series {
		for _, st := range s.stats {
			m := s.metric
			stats = append(stats, types.MetricStat{Metric: &m, Period: aws.Int32(int32(r.cfg.Period / time.Second)), Stat: aws.String(st)})
			id := s.id
			id.Stat = st
			ids = append(ids, id)
		}
	}
	// Only whole periods: the current one is still filling up.
	period := int64(r.cfg.Period / time.Second)
	end := time.Unix(floorDiv(now.Unix(), period)*period, 0).UTC()
	start := end.Add(-r.cfg.Window)
	got := map[metrics.CWSeriesID][]metrics.CWPoint{}
	calls, failed, partial := cwRead(rctx, r.cw, start, end, stats,
		func(i int) string { return seriesWhat(ids[i]) },
		func(i int, pts []Point) {
			out := make([]metrics.CWPoint, len(pts))
			for j, p := range pts {
				out[j] = metrics.CWPoint{Start: p.Time, Value: p.Value}
			}
			got[ids[i]] = out
		})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	problems := partial
	if discoverErr != nil {
		problems = append([]error{discoverErr}, problems...)
	}
	err := errors.Join(problems...)
	if calls > 0 && failed == calls {
		for _, p := range partial {
			if accessDenied(p) {
				r.mu.Lock()
				r.deniedOp = "cloudwatch:GetMetricData"
				r.mu.Unlock()
			}
		}
		r.state.failed(now, err)
		return err
	}
	r.store(got, ids, len(stats), calls)
	if err == nil {
		r.mu.Lock()
		r.deniedOp = ""
		r.mu.Unlock()
	}
	r.state.succeeded(now, err)
	return err
}

// store replaces the figures with a read's; a series whose batch failed keeps its last points,
// and a series no longer listed is dropped, so memory follows what is published.
func (r *NamespaceReader) store(got map[metrics.CWSeriesID][]metrics.CWPoint, ids []metrics.CWSeriesID, queries, calls int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queriesLast, r.callsLast = queries, calls
	if len(ids) == 0 {
		r.figures = nil // nothing published: nothing was read
		return
	}
	next := &metrics.CWFigures{Namespace: r.cfg.Namespace, Period: r.cfg.Period, Series: map[metrics.CWSeriesID][]metrics.CWPoint{}}
	for _, id := range ids {
		if pts, ok := got[id]; ok {
			if len(pts) > 0 {
				next.Series[id] = pts
			}
		} else if r.figures != nil && r.figures.Series[id] != nil {
			next.Series[id] = r.figures.Series[id]
		}
	}
	r.figures = next
}

// Figures returns a copy of the last read's series (complete periods of the window, oldest
// first), nil until something was read.
func (r *NamespaceReader) Figures() *metrics.CWFigures {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.figures == nil {
		return nil
	}
	out := *r.figures
	out.Series = make(map[metrics.CWSeriesID][]metrics.CWPoint, len(r.figures.Series))
	for id, pts := range r.figures.Series {
		out.Series[id] = slices.Clone(pts)
	}
	return &out
}

// Agents returns the agent names the last discovery saw (Agents mode), sorted.
func (r *NamespaceReader) Agents() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.found.agents)
}

// Start reads in the background until ctx is done or Stop is called: one read at once, then one
// every Interval, backing off after failures. It runs once; a second Start does nothing.
func (r *NamespaceReader) Start(ctx context.Context) {
	_ = r.run.start(ctx, r.loop)
}

// Stop ends the background reading and waits for it.
func (r *NamespaceReader) Stop() { r.run.stop() }

func (r *NamespaceReader) loop(ctx context.Context) {
	for {
		_ = r.Read(ctx) // the outcome is in the state
		if ctx.Err() != nil {
			return
		}
		wait := backoffAfter(r.cfg.Interval, defaultBackoffMax(r.cfg.Interval), r.state.failures())
		r.state.setNextAttempt(r.cfg.Now().Add(wait))
		if !cwSleep(ctx, wait) {
			return
		}
	}
}

func seriesWhat(id metrics.CWSeriesID) string {
	what := id.Name + " " + id.Stat
	for _, d := range []struct{ k, v string }{{"ShardId", id.ShardID}, {"ErrorCode", id.ErrorCode}, {AgentDimension, id.Agent}} {
		if d.v != "" {
			what += " " + d.k + "=" + d.v
		}
	}
	return what
}
