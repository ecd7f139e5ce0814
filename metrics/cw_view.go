package metrics

import (
	"sort"
	"time"
)

// CloudWatchLatest is a series' newest point and its age: now minus the point's timestamp
// (the start of its period, as CloudWatch stamps it). On AWS a fresh 1-minute point is already
// a minute or two old; an age that keeps growing means CloudWatch has nothing newer (an idle
// stream publishes no points) or polling fails (see the state).
type CloudWatchLatest struct {
	CloudWatchMetric
	Value float64
	Time  time.Time
	Age   time.Duration
}

// CloudWatchSnapshot is everything the dashboard shows from CloudWatch, taken at Time.
type CloudWatchSnapshot struct {
	Time       time.Time
	StreamName string
	Period     time.Duration // of every point; a rate is a Sum divided by it
	State      CloudWatchState
	// ShardLevelMetrics are the shard-level metrics being read (empty: enhanced monitoring
	// is off, or ShardLevel is Off), sorted.
	ShardLevelMetrics []string
	// Latest has one entry per series that has data: stream-level series first, then by
	// shard, each in the catalogue's order.
	Latest []CloudWatchLatest
}

// Snapshot returns the latest point of every series, with ages as of now.
func (p *CloudWatchPoller) Snapshot() CloudWatchSnapshot {
	now := p.cfg.Now()
	s := CloudWatchSnapshot{Time: now, StreamName: p.cfg.StreamName, Period: p.cfg.Period, State: p.State()}
	p.mu.Lock()
	defer p.mu.Unlock()
	for name, on := range p.enabled {
		if on {
			s.ShardLevelMetrics = append(s.ShardLevelMetrics, name)
		}
	}
	sort.Strings(s.ShardLevelMetrics)
	for m, h := range p.hist {
		if pt, ok := h.latest(); ok {
			s.Latest = append(s.Latest, CloudWatchLatest{CloudWatchMetric: m, Value: pt.Value, Time: pt.Time, Age: now.Sub(pt.Time)})
		}
	}
	order := cwOrder
	sort.Slice(s.Latest, func(i, j int) bool {
		a, b := s.Latest[i].CloudWatchMetric, s.Latest[j].CloudWatchMetric
		if a.ShardID != b.ShardID {
			return a.ShardID < b.ShardID // "" (stream level) first
		}
		return order[CloudWatchMetric{Name: a.Name, Stat: a.Stat}] < order[CloudWatchMetric{Name: b.Name, Stat: b.Stat}]
	})
	return s
}

// Latest returns one series' newest point and its age, false when it has no data yet.
func (p *CloudWatchPoller) Latest(m CloudWatchMetric) (CloudWatchLatest, bool) {
	now := p.cfg.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hist[m]
	if h == nil {
		return CloudWatchLatest{}, false
	}
	pt, ok := h.latest()
	if !ok {
		return CloudWatchLatest{}, false
	}
	return CloudWatchLatest{CloudWatchMetric: m, Value: pt.Value, Time: pt.Time, Age: now.Sub(pt.Time)}, true
}

// History returns one series' kept points, oldest first (nil when it has none).
func (p *CloudWatchPoller) History(m CloudWatchMetric) []CloudWatchPoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	if h := p.hist[m]; h != nil && len(h.secs) > 0 {
		return h.points()
	}
	return nil
}

// cwOrder ranks (name, stat) pairs as the catalogue lists them.
var cwOrder = func() map[CloudWatchMetric]int {
	order := map[CloudWatchMetric]int{}
	for _, m := range cwStreamMetrics {
		order[m] = len(order)
	}
	for _, m := range cwShardMetrics {
		if _, ok := order[m]; !ok {
			order[m] = len(order)
		}
	}
	return order
}()
