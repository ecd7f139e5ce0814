package advisor

import (
	"math"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
)

// window holds the samples of the last span, oldest first. A sample keeps only the figures the
// rules read, not the snapshot (whose histograms would cost tens of KB each).
type window struct {
	span    time.Duration
	samples []*sample
	lastSeq int64
	// settings are the producer's current settings, from the latest snapshot.
	settings metrics.ProducerSettings
	// prevWorkload are the latest workload counters, to turn them into rates; prevRefused the
	// shards' backlog refusals, with prevTime.
	prevWorkload *workloadCounters
	prevRefused  map[string]int64
	prevTime     time.Time
}

// sample is one snapshot's figures: rates per second over the sample's interval, levels at it.
type sample struct {
	t      time.Time
	stream metrics.Values
	shards []shardSample
	// Workload rates the sampler does not split: records dropped because the generator fell
	// behind, and those a full producer refused (NaN without a workload).
	droppedBehind, droppedFull float64
}

type shardSample struct {
	id     string
	values metrics.Values
	// limiterRecords are records the producer's own rate limiter holds back (a level);
	// backlogRefused the Puts refused per second because the shard held all it can deliver
	// within RecordTtl (NaN on its first sample).
	limiterRecords, backlogRefused float64
	start, end                     string // hash key range, decimal
}

type workloadCounters struct {
	t                          time.Time
	droppedBehind, droppedFull uint64
}

// add appends a snapshot's figures and drops samples older than the span.
func (w *window) add(s *metrics.Snapshot) {
	if len(w.samples) > 0 && (s.Seq <= w.lastSeq || !s.Time.After(w.latest().t)) {
		return // seen already, or out of order: the window is in time order
	}
	w.lastSeq = s.Seq
	w.settings = s.Settings
	smp := &sample{t: s.Time, stream: finite(s.Stream), droppedBehind: math.NaN(), droppedFull: math.NaN()}
	if wl := s.Workload; wl != nil {
		cur := &workloadCounters{t: s.Time, droppedBehind: wl.DroppedBehind, droppedFull: wl.DroppedFull}
		if p := w.prevWorkload; p != nil && cur.t.After(p.t) {
			dt := cur.t.Sub(p.t).Seconds()
			smp.droppedBehind = float64(cur.droppedBehind-p.droppedBehind) / dt
			smp.droppedFull = float64(cur.droppedFull-p.droppedFull) / dt
		}
		w.prevWorkload = cur
	}
	smp.shards = make([]shardSample, len(s.Shards))
	refused := make(map[string]int64, len(s.Shards))
	dt := s.Time.Sub(w.prevTime).Seconds()
	for i := range s.Shards {
		sv := &s.Shards[i]
		ss := shardSample{id: sv.ShardID, values: finite(sv.Values), backlogRefused: math.NaN(),
			limiterRecords: float64(sv.LimiterRecords), start: sv.StartingHashKey, end: sv.EndingHashKey}
		refused[sv.ShardID] = sv.BacklogRefused
		if prev, ok := w.prevRefused[sv.ShardID]; ok && dt > 0 {
			ss.backlogRefused = float64(sv.BacklogRefused-prev) / dt
		}
		smp.shards[i] = ss
	}
	w.prevRefused, w.prevTime = refused, s.Time
	w.samples = append(w.samples, smp)
	cut := 0
	for cut < len(w.samples) && s.Time.Sub(w.samples[cut].t) > w.span {
		cut++
	}
	w.samples = append(w.samples[:0], w.samples[cut:]...)
}

var allMetrics = metrics.Metrics()

// finite returns v with any infinite figure made missing (NaN): a rate over a zero interval is
// not a measurement, and the rules leave missing figures out rather than reason from infinity.
func finite(v metrics.Values) metrics.Values {
	for _, m := range allMetrics {
		if math.IsInf(v.Get(m), 0) {
			v.Set(m, math.NaN())
		}
	}
	return v
}

// latest is the newest sample (nil before the first).
func (w *window) latest() *sample {
	if len(w.samples) == 0 {
		return nil
	}
	return w.samples[len(w.samples)-1]
}

// enough says whether the window holds enough samples (a second's worth at the default
// interval) for a rule to judge a sustained condition.
func (w *window) enough() bool { return len(w.samples) >= 4 }

// mean is the mean of a stream metric over the window, NaN samples left out (NaN if all are).
func (w *window) mean(m metrics.Metric) float64 {
	return meanOf(w.samples, func(s *sample) float64 { return s.stream.Get(m) })
}

// max is the largest value of a stream metric over the window (NaN if none).
func (w *window) max(m metrics.Metric) float64 {
	out := math.NaN()
	for _, s := range w.samples {
		if v := s.stream.Get(m); !math.IsNaN(v) && !(v <= out) {
			out = v
		}
	}
	return out
}

// errorRate is the mean rate of failed attempts with code over the window.
func (w *window) errorRate(code string) float64 {
	var sum float64
	for _, s := range w.samples {
		sum += s.stream.Errors[code]
	}
	if len(w.samples) == 0 {
		return 0
	}
	return sum / float64(len(w.samples))
}

// shardFigures are the per-shard metrics the rules read, in the order of shardMeans.values.
var shardFigures = []metrics.Metric{metrics.OfferedRecords, metrics.OfferedBytes, metrics.PutRecords,
	metrics.PutBytesPct, metrics.PutRecordsPct, metrics.ThrottledRecords, metrics.RatePercent}

// shardMeans are one shard's window means of shardFigures (NaN where it had none) and of the
// records its limiter held.
type shardMeans struct {
	values           []float64
	limiter, refused float64
}

func (m *shardMeans) get(metric metrics.Metric) float64 {
	for i, f := range shardFigures {
		if f == metric {
			return m.values[i]
		}
	}
	return math.NaN()
}

// shardAverages computes every shard's means in one pass over the window: the rules ask for
// several figures of every shard, and a lookup per figure per sample would cost shards² each.
func (w *window) shardAverages() map[string]*shardMeans {
	type acc struct {
		sum, n       []float64
		limSum, limN float64
		refSum, refN float64
	}
	accs := map[string]*acc{}
	for _, s := range w.samples {
		for i := range s.shards {
			ss := &s.shards[i]
			a := accs[ss.id]
			if a == nil {
				a = &acc{sum: make([]float64, len(shardFigures)), n: make([]float64, len(shardFigures))}
				accs[ss.id] = a
			}
			for j, m := range shardFigures {
				if v := ss.values.Get(m); !math.IsNaN(v) {
					a.sum[j] += v
					a.n[j]++
				}
			}
			a.limSum += ss.limiterRecords
			a.limN++
			if !math.IsNaN(ss.backlogRefused) {
				a.refSum += ss.backlogRefused
				a.refN++
			}
		}
	}
	out := make(map[string]*shardMeans, len(accs))
	for id, a := range accs {
		m := &shardMeans{values: make([]float64, len(shardFigures)), limiter: a.limSum / a.limN}
		if a.refN > 0 {
			m.refused = a.refSum / a.refN
		}
		for j := range shardFigures {
			m.values[j] = math.NaN()
			if a.n[j] > 0 {
				m.values[j] = a.sum[j] / a.n[j]
			}
		}
		out[id] = m
	}
	return out
}

// peak is the largest one-second mean of a stream metric in the window: the "measured peak"
// AWS sizing starts from, without the noise of a single 250 ms sample.
func (w *window) peak(m metrics.Metric) float64 {
	out := math.NaN()
	for i := range w.samples {
		var sum float64
		var n int
		for j := i; j < len(w.samples) && w.samples[j].t.Sub(w.samples[i].t) < time.Second; j++ {
			if v := w.samples[j].stream.Get(m); !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		if n > 0 && !(sum/float64(n) <= out) {
			out = sum / float64(n)
		}
	}
	return out
}

func (s *sample) shard(id string) *shardSample {
	for i := range s.shards {
		if s.shards[i].id == id {
			return &s.shards[i]
		}
	}
	return nil
}

func meanOf(samples []*sample, f func(*sample) float64) float64 {
	var sum float64
	var n int
	for _, s := range samples {
		if v := f(s); !math.IsNaN(v) {
			sum += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
