package metrics

import (
	"sort"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Summary takes a last sample at now and summarises the run. Call it once the run is over —
// producer closed, generator returned — for the accounting identity to hold; config is written
// as given. The sampler keeps working afterwards.
func (s *Sampler) Summary(now time.Time, config any) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.n > 0 && !now.After(s.state.prev.t) {
		// No time has passed since the last sample (a virtual clock; a coarse one): there are
		// no rates to add, but the totals must count what resolved since, or a run that ended
		// in the same instant as a sample reports records pending that are not.
		cur := s.read(s.state.prev.t)
		s.compute(cur)
		s.state.prev = cur
	} else {
		s.sampleLocked(now)
	}
	st := &s.state
	first, last := &st.first, &st.prev
	p := &last.p.Stream
	sum := Summary{
		SchemaVersion: SummaryVersion, Stream: s.cfg.Stream, Config: config,
		Started: first.t, Ended: last.t, DurationSeconds: last.t.Sub(first.t).Seconds(), Samples: st.n,
		Totals: SummaryTotals{
			UserRecordsReceived: p.UserRecordsReceived, UserRecordsPut: p.UserRecordsPut, UserBytesPut: p.UserBytesPut,
			KinesisRecordsPut: p.KinesisRecordsPut, KinesisBytesPut: p.KinesisBytesPut, Requests: p.Requests,
			ThrottledRecords: st.throttled, Retries: p.Retries, Failed: p.Failed, Expired: p.Expired,
			Pending: p.UserRecordsPending, WrongShardResends: p.WrongShardResends, ShardMapChanges: p.ShardMapChanges,
			ErrorsByCode: copyCounts(st.errTotals),
		},
		Latency: LatencySummary{
			Buffering: latencyStats(p.BufferingTime), Request: latencyStats(p.RequestTime), EndToEnd: latencyStats(p.EndToEndTime),
		},
		Findings: []Finding{},
	}
	if last.hasW {
		w := last.w
		sum.Workload = &WorkloadTotals{
			Scheduled: w.Scheduled, Emitted: w.Emitted, EmittedBytes: w.EmittedBytes, Late: w.Late,
			Dropped: w.Dropped, DroppedBehind: w.DroppedBehind, DroppedFull: w.DroppedFull, Failed: w.Failed,
			MaxLagMs: float64(w.MaxLag) / float64(time.Millisecond),
			Shape:    w.Shape, Keys: w.Keys, Size: w.Size, Payload: w.Payload, Seed: w.Seed,
		}
	}
	sum.Accounting = accounting(last)
	sum.Throughput = s.throughput(first, last)
	sum.Shards = s.shardSummaries()
	sum.Producer = s.cfg.Profile
	if sum.Producer == "" {
		sum.Producer = "shardstorm"
	}
	if s.cfg.Fleet != nil {
		sum.Fleet = st.fleet.summary(sum.Latency.EndToEnd)
	}
	return sum
}

func accounting(r *reading) Accounting {
	o := outcomesOf(r)
	a := Accounting{
		Identity: AccountingIdentity, ScheduledSource: "producer", Scheduled: r.p.Stream.UserRecordsReceived,
		Acknowledged: o.Acknowledged, MaybeStored: o.MaybeStored, NotStored: o.NotStored, NeverSent: o.NeverSent,
		Pending: r.p.Stream.UserRecordsPending, Failed: o.Failed(), Expired: o.Expired, PossibleDuplicates: o.PossibleDuplicates,
	}
	if r.hasW {
		a.ScheduledSource = "workload"
		a.Scheduled = int64(r.w.Scheduled)
		a.Dropped = int64(r.w.Dropped)
	}
	a.Difference = a.Scheduled - (a.Acknowledged + a.MaybeStored + a.NotStored + a.NeverSent + a.Dropped + a.Pending)
	a.Holds = a.Difference == 0
	return a
}

const mib = 1 << 20

func (s *Sampler) throughput(first, last *reading) Throughput {
	st := &s.state
	secs := last.t.Sub(first.t).Seconds()
	per := func(d int64, unit float64) Float {
		if secs <= 0 {
			return Float(nan)
		}
		return Float(float64(d) / unit / secs)
	}
	p, q := &last.p.Stream, &first.p.Stream
	offRec, offByt := s.offeredTotals(*last)
	offRec0, offByt0 := s.offeredTotals(*first)
	t := Throughput{
		Seconds:              secs,
		OfferedRecordsPerSec: per(offRec-offRec0, 1), OfferedMiBPerSec: Float(nan),
		UserRecordsPerSec: per(p.UserRecordsPut-q.UserRecordsPut, 1), UserMiBPerSec: per(p.UserBytesPut-q.UserBytesPut, mib),
		KinesisRecordsPerSec: per(p.KinesisRecordsPut-q.KinesisRecordsPut, 1), KinesisMiBPerSec: per(p.KinesisBytesPut-q.KinesisBytesPut, mib),
		CapacityShardSeconds:        st.capacitySec,
		RecordsPctOfCapacity:        pctOf(p.KinesisRecordsPut-q.KinesisRecordsPut, st.capacitySec*s.cfg.ShardRecordsPerSec),
		BytesPctOfCapacity:          pctOf(p.KinesisBytesPut-q.KinesisBytesPut, st.capacitySec*s.cfg.ShardBytesPerSec),
		ThrottledFraction:           Float(ratio(st.throttled, st.throttled+p.KinesisRecordsPut)),
		UserRecordsPerKinesisRecord: Float(ratio(p.UserRecordsPut, p.KinesisRecordsPut)),
		KinesisRecordsPerRequest:    Float(ratio(p.RequestRecords, p.Requests)),
	}
	if offByt >= 0 {
		t.OfferedMiBPerSec = per(offByt-offByt0, mib)
	}
	return t
}

func (s *Sampler) shardSummaries() []ShardSummary {
	out := make([]ShardSummary, 0, len(s.state.tracks))
	for id, t := range s.state.tracks {
		l, b := &t.last, &t.base
		secs := t.lastSeen.Sub(t.firstSeen).Seconds()
		row := ShardSummary{
			ShardID: id, Open: t.open, FirstSeen: t.firstSeen, LastSeen: t.lastSeen,
			UserRecordsPut: l.UserRecordsPut, UserBytesPut: l.UserBytesPut,
			KinesisRecordsPut: l.KinesisRecordsPut, KinesisBytesPut: l.KinesisBytesPut,
			ThrottledRecords: l.Throttles, Retries: l.Retries, Failed: l.Failed, Expired: l.Expired,
			ErrorsByCode:      copyCounts(l.ErrorsByCode),
			ThrottledFraction: Float(ratio(l.Throttles, l.Throttles+l.KinesisRecordsPut)),
			KinesisMiBPerSec:  Float(nan), BytesPctOfCapacity: Float(nan), RecordsPctOfCapacity: Float(nan),
		}
		if secs > 0 {
			dBytes := delta(l.KinesisBytesPut, b.KinesisBytesPut)
			row.KinesisMiBPerSec = Float(float64(dBytes) / mib / secs)
			row.BytesPctOfCapacity = pctOf(dBytes, secs*s.cfg.ShardBytesPerSec)
			row.RecordsPctOfCapacity = pctOf(delta(l.KinesisRecordsPut, b.KinesisRecordsPut), secs*s.cfg.ShardRecordsPerSec)
		}
		if s.cfg.Offered != nil {
			rec, byt := t.offRec, t.offByt
			row.OfferedRecords, row.OfferedBytes = &rec, &byt
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ShardID < out[j].ShardID })
	return out
}

func latencyStats(h *hdrhistogram.Histogram) LatencyStats {
	ls := LatencyStats{P50: Float(nan), P90: Float(nan), P99: Float(nan), Max: Float(nan), Mean: Float(nan)}
	if h == nil || h.TotalCount() == 0 {
		return ls
	}
	v := h.ValueAtPercentilesSlice(intervalPercentiles)
	ls.Count = h.TotalCount()
	ls.P50, ls.P90, ls.P99, ls.Max = Float(float64(v[0])/1000), Float(float64(v[1])/1000), Float(float64(v[2])/1000), Float(float64(v[3])/1000)
	ls.Mean = Float(h.Mean() / 1000)
	return ls
}

func pctOf(d int64, capacity float64) Float {
	if capacity <= 0 {
		return Float(nan)
	}
	return Float(100 * float64(d) / capacity)
}

func copyCounts(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
