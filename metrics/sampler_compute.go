package metrics

import (
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// reading is what the sources said at one sample.
type reading struct {
	t              time.Time
	p              producer.Stats
	w              workload.Stats
	hasW           bool
	offRec, offByt int64 // OfferCounter totals
	fleet          FleetClients
}

// shardTrack is what the sampler remembers of a shard from its readings, for the deltas of the
// next sample and for the summary. Tracks outlive the window (the summary covers the whole
// run): one small struct per shard ever seen, which grows with resharding, not with time.
type shardTrack struct {
	last, base          producer.ShardStats // at the latest and the first reading that listed it
	offRec, offByt      int64
	baseOffRec, baseOff int64
	firstSeen, lastSeen time.Time
	open                bool
}

// readState is the sampler's memory between samples.
type readState struct {
	n         int64 // samples taken
	first     reading
	prev      reading
	tracks    map[string]*shardTrack
	lat       [3]latencyDelta // buffering, request, end to end
	throttled int64           // stream totals over every shard seen, retired ones included
	errTotals map[string]int64
	// capacitySec is ∑ open shards × interval: shard-seconds of write capacity the run had.
	capacitySec float64
	fleet       fleetTrack
}

func (s *Sampler) read(now time.Time) reading {
	r := reading{t: now, p: s.cfg.Producer.Stats()}
	if s.cfg.Workload != nil {
		r.w, r.hasW = s.cfg.Workload.Stats(), true
	}
	if s.cfg.Offered != nil {
		r.offRec, r.offByt = s.cfg.Offered.Total()
	}
	if s.cfg.Fleet != nil {
		r.fleet = s.cfg.Fleet.FleetClients()
	}
	return r
}

// delta is the growth of a cumulative counter; a counter that went back was reset (a shard's
// state rebuilt) and counts from 0.
func delta(cur, prev int64) int64 {
	if cur < prev {
		return cur
	}
	return cur - prev
}

// compute turns a reading into a snapshot, updating the state the next sample needs.
func (s *Sampler) compute(cur reading) *Snapshot {
	st := &s.state
	first := st.n == 0
	if first {
		st.first = cur
	}
	prev := &st.prev
	snap := &Snapshot{Seq: st.n, Time: cur.t, Producer: cur.p, Settings: settingsOf(&cur.p.Stream, s.cfg.Profile), Shards: make([]ShardValues, len(cur.p.Shards)), shardOffers: s.cfg.Offered != nil}
	if cur.hasW {
		w := cur.w
		snap.Workload = &w
	}
	secs := 0.0
	if !first {
		snap.Interval = cur.t.Sub(prev.t)
		secs = snap.Interval.Seconds()
	}
	rate := func(d int64) float64 {
		if secs <= 0 {
			return nan
		}
		return float64(d) / secs
	}
	rateU := func(c, p uint64) float64 { return rate(int64(c - min(p, c))) }

	// Shards first: the stream's throttles and errors are their sums.
	stream := &snap.Stream
	stream.reset()
	throttledD, throttledBytesD, errD, sumRatePct := s.shards(snap, cur, first, rate)
	st.throttled += throttledD
	for code, d := range errD {
		st.errTotals[code] += d
	}
	if len(errD) > 0 && secs > 0 {
		stream.Errors = make(map[string]float64, len(errD))
		for code, d := range errD {
			stream.Errors[code] = rate(d)
		}
	}

	p, q := &cur.p.Stream, &prev.p.Stream
	open := float64(len(cur.p.Shards))
	if !first {
		st.capacitySec += open * secs
	}
	v := &stream.v
	s.offered(v, cur, prev, rate, rateU)
	v[UserRecordsPut] = rate(delta(p.UserRecordsPut, q.UserRecordsPut))
	v[UserBytesPut] = rate(delta(p.UserBytesPut, q.UserBytesPut))
	dKrec := delta(p.KinesisRecordsPut, q.KinesisRecordsPut)
	v[PutRecords] = rate(dKrec)
	v[PutBytes] = rate(delta(p.KinesisBytesPut, q.KinesisBytesPut))
	v[ThrottledRecords] = rate(throttledD)
	v[ThrottledBytes] = rate(throttledBytesD)
	s.percentages(v, open)
	v[ThrottledFraction] = ratio(throttledD, throttledD+dKrec)
	if len(cur.p.Shards) > 0 {
		v[RatePercent] = sumRatePct / open
	}
	v[PendingRecords] = float64(p.UserRecordsPending)
	v[PendingBytes] = float64(p.UserBytesPending)
	v[RequestsInFlight] = float64(p.RequestsInFlight)
	v[Retries] = rate(delta(p.Retries, q.Retries))
	v[Failed] = rate(delta(p.Failed, q.Failed))
	v[Expired] = rate(delta(p.Expired, q.Expired))
	o, oq := outcomesOf(&cur), outcomesOf(prev)
	v[MaybeStored] = rate(delta(o.MaybeStored, oq.MaybeStored))
	v[NotStored] = rate(delta(o.NotStored, oq.NotStored))
	v[NeverSent] = rate(delta(o.NeverSent, oq.NeverSent))
	v[PossibleDuplicates] = rate(delta(o.PossibleDuplicates, oq.PossibleDuplicates))
	if !first {
		v[AggregationRatio] = ratio(delta(p.UserRecordsPut, q.UserRecordsPut), dKrec)
		v[RecordsPerRequest] = ratio(delta(p.RequestRecords, q.RequestRecords), delta(p.Requests, q.Requests))
	}
	v[OpenShards] = open
	hists := [3]*hdrhistogram.Histogram{p.BufferingTime, p.RequestTime, p.EndToEndTime}
	for i, base := range [3]Metric{BufferingP50, RequestP50, EndToEndP50} {
		pct := st.lat[i].next(hists[i])
		copy(v[base:base+4], pct[:])
	}

	if s.cfg.Fleet != nil {
		st.fleet.values(v, cur.fleet, cur.t)
		c := cur.fleet
		snap.Fleet = &c
	}

	snap.Totals = Totals{ThrottledRecords: st.throttled, ErrorsByCode: make(map[string]int64, len(st.errTotals)), Outcomes: o}
	for code, n := range st.errTotals {
		snap.Totals.ErrorsByCode[code] = n
	}
	snap.Totals.OfferedRecords, snap.Totals.OfferedBytes = s.offeredTotals(cur)
	return snap
}

// summedMetrics are the shard levels whose stream value is their sum.
var summedMetrics = [...]Metric{RecordTokens, RecordCapacity, ByteTokens, ByteCapacity, BufferedRecords, BufferedBytes, InFlightRecords, InFlightBytes}

// shards fills the snapshot's shard values and the stream's sums of them, updates the tracks,
// and returns what the stream's values need: throttles and errors by code in the interval, and
// the sum of the shards' rates.
func (s *Sampler) shards(snap *Snapshot, cur reading, first bool, rate func(int64) float64) (throttled, throttledBytes int64, errs map[string]int64, sumRatePct float64) {
	st := &s.state
	for _, t := range st.tracks {
		t.open = false
	}
	errs = map[string]int64{}
	stream := &snap.Stream
	for i, ss := range cur.p.Shards {
		t := st.tracks[ss.ShardID]
		if t == nil {
			t = &shardTrack{base: ss, firstSeen: cur.t}
			st.tracks[ss.ShardID] = t
		}
		sv := &snap.Shards[i]
		sv.ShardID = ss.ShardID
		sv.StartingHashKey, sv.EndingHashKey = ss.StartingHashKey, ss.EndingHashKey
		sv.LimiterRecords, sv.BacklogRefused = ss.LimiterRecords, ss.BacklogRefused
		sv.reset()
		s.shardValues(sv, ss, t, first, rate)
		throttled += delta(ss.Throttles, t.last.Throttles)
		throttledBytes += delta(ss.ThrottledBytes, t.last.ThrottledBytes)
		for code, n := range ss.ErrorsByCode {
			if d := delta(n, t.last.ErrorsByCode[code]); d > 0 {
				errs[code] += d
			}
		}
		t.last, t.lastSeen, t.open = ss, cur.t, true
		sumRatePct += ss.RatePercent
		for _, m := range summedMetrics {
			stream.v[m] = zeroIfNaN(stream.v[m]) + sv.v[m]
		}
	}
	return throttled, throttledBytes, errs, sumRatePct
}

// shardValues fills one shard's values from its reading and its track's previous one.
func (s *Sampler) shardValues(sv *ShardValues, ss producer.ShardStats, t *shardTrack, first bool, rate func(int64) float64) {
	v, l := &sv.v, &t.last
	if s.cfg.Offered != nil {
		sv.OfferedRecords, sv.OfferedBytes = s.cfg.Offered.Offered(ss.ShardID)
		if t.lastSeen.IsZero() {
			t.baseOffRec, t.baseOff = sv.OfferedRecords, sv.OfferedBytes
		}
		v[OfferedRecords] = rate(delta(sv.OfferedRecords, t.offRec))
		v[OfferedBytes] = rate(delta(sv.OfferedBytes, t.offByt))
		t.offRec, t.offByt = sv.OfferedRecords, sv.OfferedBytes
	}
	v[UserRecordsPut] = rate(delta(ss.UserRecordsPut, l.UserRecordsPut))
	v[UserBytesPut] = rate(delta(ss.UserBytesPut, l.UserBytesPut))
	dKrec := delta(ss.KinesisRecordsPut, l.KinesisRecordsPut)
	dThr := delta(ss.Throttles, l.Throttles)
	v[PutRecords] = rate(dKrec)
	v[PutBytes] = rate(delta(ss.KinesisBytesPut, l.KinesisBytesPut))
	v[ThrottledRecords] = rate(dThr)
	v[ThrottledBytes] = rate(delta(ss.ThrottledBytes, l.ThrottledBytes))
	s.percentages(v, 1)
	v[ThrottledFraction] = ratio(dThr, dThr+dKrec)
	v[RecordTokens], v[RecordCapacity] = ss.RecordTokens, ss.RecordCapacity
	v[ByteTokens], v[ByteCapacity] = ss.ByteTokens, ss.ByteCapacity
	v[RatePercent] = ss.RatePercent
	v[BufferedRecords], v[BufferedBytes] = float64(ss.BufferedRecords()), float64(ss.BufferedBytes())
	v[InFlightRecords], v[InFlightBytes] = float64(ss.InFlightRecords), float64(ss.InFlightBytes)
	v[Retries] = rate(delta(ss.Retries, l.Retries))
	v[Failed] = rate(delta(ss.Failed, l.Failed))
	v[Expired] = rate(delta(ss.Expired, l.Expired))
	// Per shard, the producer keeps coarse latency buckets (full histograms per shard would cost
	// too much to copy at every sample): the interval's p99 is known to within one bucket.
	if d, ok := ss.EndToEnd.Sub(l.EndToEnd).Percentile(99); ok && !first {
		v[EndToEndP99] = float64(d) / float64(time.Millisecond)
	}
	if !first {
		v[AggregationRatio] = ratio(delta(ss.UserRecordsPut, l.UserRecordsPut), dKrec)
	}
	for code, n := range ss.ErrorsByCode {
		if d := delta(n, l.ErrorsByCode[code]); d > 0 && !first {
			if sv.Errors == nil {
				sv.Errors = map[string]float64{}
			}
			sv.Errors[code] = rate(d)
		}
	}
}

// percentages fills the *_pct series for a capacity of shards shards.
func (s *Sampler) percentages(v *[numMetrics]float64, shards float64) {
	if shards <= 0 {
		return
	}
	recLimit, byteLimit := shards*s.cfg.ShardRecordsPerSec, shards*s.cfg.ShardBytesPerSec
	v[PutRecordsPct] = 100 * v[PutRecords] / recLimit
	v[PutBytesPct] = 100 * v[PutBytes] / byteLimit
	v[ThrottledRecordsPct] = 100 * v[ThrottledRecords] / recLimit
	v[ThrottledBytesPct] = 100 * v[ThrottledBytes] / byteLimit
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return nan
	}
	return float64(a) / float64(b)
}

func zeroIfNaN(x float64) float64 {
	if x != x {
		return 0
	}
	return x
}
