package emulator

import (
	"encoding/binary"
	"sort"
	"sync"
	"time"
)

// Dimension is a CloudWatch metric dimension.
type Dimension struct{ Name, Value string }

// metricStore keeps the CloudWatch data points the emulator serves: the metrics Kinesis publishes
// (one sample per API call, through record) and whatever clients send with PutMetricData.
//
// A series is one metric (namespace, name, dimension set). Within it, samples are kept per unit
// (GetMetricData can filter by unit) and merged per second: one secondStats for every second
// that had samples, nothing for the others, in time order. Points older than the retention are
// dropped on write, and a sweep every sweepEvery seconds of emulator time removes the series that
// stopped receiving data, so memory follows the live data, not the emulator's uptime.
//
// One mutex guards everything: record runs on every Kinesis write, and a map lookup plus an
// append under a lock is cheaper than anything finer-grained would be.
type metricStore struct {
	retention  int64 // seconds a point is kept; at least 1
	sweepEvery int64 // seconds of emulator time between sweeps of every series

	mu       sync.Mutex
	series   map[string]*series // by seriesKey
	keyBuf   []byte             // scratch for seriesKey, reused under mu so lookups don't allocate
	dimBuf   []Dimension        // scratch for sorting dimensions, reused under mu
	nowSec   int64              // latest emulator time seen: the retention counts back from it
	sweptSec int64              // when the last sweep ran
}

// series is one metric: the identity ListMetrics returns and GetMetricData selects.
type series struct {
	namespace, name string
	dims            []Dimension // sorted by Name; never modified once created, so safe to share
	units           []unitPoints
}

// unitPoints are a series' per-second points for one unit; a series usually has exactly one.
type unitPoints struct {
	unit   string
	points []secondStats // ascending by sec
}

// secondStats aggregates every sample of one second. Counts are float64 because PutMetricData
// accepts fractional SampleCount and Counts.
type secondStats struct {
	sec                  int64 // epoch seconds
	sum, count, min, max float64
}

func (a *secondStats) merge(b secondStats) {
	a.sum += b.sum
	a.count += b.count
	a.min = min(a.min, b.min)
	a.max = max(a.max, b.max)
}

// unitNone is the unit CloudWatch gives a sample sent without one.
const unitNone = "None"

// sweepInterval bounds how long an idle series outlives its last point.
const sweepInterval = 60

func newMetricStore(retention time.Duration) *metricStore {
	sec := int64((retention + time.Second - 1) / time.Second) // a retention under 1 s still keeps the current second
	if sec < 1 {
		sec = 1
	}
	return &metricStore{
		retention:  sec,
		sweepEvery: min(sec, sweepInterval),
		series:     map[string]*series{},
	}
}

// record adds one sample (one API call's value) at time at. The Kinesis side calls it with the
// emulator clock's reading, so at also serves as "now" for the retention.
func (s *metricStore) record(namespace, name string, dims []Dimension, unit string, at time.Time, value float64) {
	s.mu.Lock()
	s.addLocked(namespace, name, dims, unit, at.Unix(), secondStats{sum: value, count: 1, min: value, max: value}, at)
	s.mu.Unlock()
}

// metricSample is one aggregated sample for add: PutMetricData's Value, StatisticValues or
// Values/Counts, already folded into sum, count, min and max.
type metricSample struct {
	namespace, name, unit string
	dims                  []Dimension
	at                    time.Time
	stats                 secondStats // sec is ignored: taken from at
}

// add stores samples in one critical section. now is the emulator clock's reading: samples
// may carry past or future timestamps, and the retention counts back from now, not from them.
func (s *metricStore) add(samples []metricSample, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range samples {
		s.addLocked(m.namespace, m.name, m.dims, m.unit, m.at.Unix(), m.stats, now)
	}
}

func (s *metricStore) addLocked(namespace, name string, dims []Dimension, unit string, sec int64, st secondStats, now time.Time) {
	s.advanceLocked(now)
	cutoff := s.cutoffLocked()
	if sec < cutoff {
		return // already past the retention: it would be pruned before anyone could read it
	}
	if unit == "" {
		unit = unitNone
	}
	sorted := s.sortedDimsLocked(dims)
	s.keyBuf = appendSeriesKey(s.keyBuf[:0], namespace, name, sorted)
	se := s.series[string(s.keyBuf)] // no allocation: the compiler special-cases this conversion
	if se == nil {
		se = &series{namespace: namespace, name: name, dims: append([]Dimension(nil), sorted...)}
		s.series[string(s.keyBuf)] = se
	}
	up := se.unit(unit)
	up.prune(cutoff)
	st.sec = sec
	up.insert(st)
}

// advanceLocked moves the store's notion of now forward and sweeps when it is due.
func (s *metricStore) advanceLocked(now time.Time) {
	sec := now.Unix()
	if sec <= s.nowSec {
		return
	}
	s.nowSec = sec
	if s.nowSec-s.sweptSec >= s.sweepEvery {
		s.sweepLocked()
	}
}

// cutoffLocked is the oldest second still retained: points cover (now-retention, now].
func (s *metricStore) cutoffLocked() int64 { return s.nowSec - s.retention + 1 }

// sweepLocked prunes every series and forgets those left without points.
func (s *metricStore) sweepLocked() {
	s.sweptSec = s.nowSec
	cutoff := s.cutoffLocked()
	for key, se := range s.series {
		kept := se.units[:0]
		for _, up := range se.units {
			up.prune(cutoff)
			if len(up.points) > 0 {
				kept = append(kept, up)
			}
		}
		clear(se.units[len(kept):])
		se.units = kept
		if len(kept) == 0 {
			delete(s.series, key)
		}
	}
}

// sortedDimsLocked returns dims sorted by name (then value) in the reused scratch slice; the
// caller's slice is left alone. Insertion sort: metrics carry a handful of dimensions.
func (s *metricStore) sortedDimsLocked(dims []Dimension) []Dimension {
	s.dimBuf = append(s.dimBuf[:0], dims...)
	d := s.dimBuf
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && dimLess(d[j], d[j-1]); j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
	return d
}

func dimLess(a, b Dimension) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Value < b.Value
}

// appendSeriesKey encodes a metric identity (dims sorted). Every field is length-prefixed, so no
// choice of names or values can make two identities collide.
func appendSeriesKey(b []byte, namespace, name string, dims []Dimension) []byte {
	b = appendKeyField(b, namespace)
	b = appendKeyField(b, name)
	for _, d := range dims {
		b = appendKeyField(b, d.Name)
		b = appendKeyField(b, d.Value)
	}
	return b
}

func appendKeyField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func (se *series) unit(unit string) *unitPoints {
	for i := range se.units {
		if se.units[i].unit == unit {
			return &se.units[i]
		}
	}
	se.units = append(se.units, unitPoints{unit: unit})
	return &se.units[len(se.units)-1]
}

// prune drops points before cutoff. Reslicing keeps the backing array, but the next append that
// outgrows it copies only the live points, so memory stays proportional to them.
func (up *unitPoints) prune(cutoff int64) {
	if len(up.points) == 0 || up.points[0].sec >= cutoff {
		return
	}
	i := sort.Search(len(up.points), func(i int) bool { return up.points[i].sec >= cutoff })
	up.points = up.points[i:]
	if len(up.points) == 0 {
		up.points = nil
	}
}

// insert merges st into its second; samples almost always arrive in time order, so this is
// usually an append or a merge into the last point.
func (up *unitPoints) insert(st secondStats) {
	n := len(up.points)
	switch {
	case n == 0 || up.points[n-1].sec < st.sec:
		up.points = append(up.points, st)
		return
	case up.points[n-1].sec == st.sec:
		up.points[n-1].merge(st)
		return
	}
	i := sort.Search(n, func(i int) bool { return up.points[i].sec >= st.sec })
	if up.points[i].sec == st.sec {
		up.points[i].merge(st)
		return
	}
	up.points = append(up.points, secondStats{})
	copy(up.points[i+1:], up.points[i:])
	up.points[i] = st
}
