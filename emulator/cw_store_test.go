package emulator

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var cwT0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) // a whole minute: epoch 1740830400

func sec(d time.Duration) time.Time { return cwT0.Add(d) }

func wantBuckets(t *testing.T, got []bucketStats, want ...bucketStats) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d buckets %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		w := want[i]
		w.stats.sec = got[i].stats.sec // the first second merged in: not part of the contract
		if got[i] != w {
			t.Errorf("bucket %d = %+v, want %+v", i, got[i], w)
		}
	}
}

func bucket(start time.Time, sum, count, lo, hi float64) bucketStats {
	return bucketStats{start: start.Unix(), stats: secondStats{sum: sum, count: count, min: lo, max: hi}}
}

func TestMetricStoreMergesSecondsIntoPeriods(t *testing.T) {
	s := newMetricStore(time.Hour)
	stream := []Dimension{{"StreamName", "orders"}}
	for _, p := range []struct {
		at time.Duration
		v  float64
	}{{0, 5}, {300 * time.Millisecond, 7}, {time.Second, 1}, {59 * time.Second, 3}, {60 * time.Second, 10}, {185 * time.Second, -2}} {
		s.record("AWS/Kinesis", "IncomingRecords", stream, "Count", sec(p.at), p.v)
	}
	now := sec(4 * time.Minute)
	id := metricID{"AWS/Kinesis", "IncomingRecords", stream}
	end := sec(time.Hour).Unix()

	wantBuckets(t, s.buckets(id, "", cwT0.Unix(), end, 1, now),
		bucket(sec(0), 12, 2, 5, 7), bucket(sec(time.Second), 1, 1, 1, 1), bucket(sec(59*time.Second), 3, 1, 3, 3),
		bucket(sec(time.Minute), 10, 1, 10, 10), bucket(sec(185*time.Second), -2, 1, -2, -2))
	wantBuckets(t, s.buckets(id, "", cwT0.Unix(), end, 60, now),
		bucket(sec(0), 16, 4, 1, 7), bucket(sec(time.Minute), 10, 1, 10, 10), bucket(sec(3*time.Minute), -2, 1, -2, -2))
	// End is exclusive and start inclusive, at second granularity.
	wantBuckets(t, s.buckets(id, "", sec(time.Second).Unix(), sec(time.Minute).Unix(), 60, now),
		bucket(sec(0), 4, 2, 1, 3))
	// Buckets align on the epoch, not on the query's start: 1740830400 = 7*248690057 + 1.
	wantBuckets(t, s.buckets(id, "", cwT0.Unix(), end, 7, now),
		bucket(sec(-time.Second), 13, 3, 1, 7), bucket(sec(55*time.Second), 13, 2, 3, 10),
		bucket(sec(181*time.Second), -2, 1, -2, -2))
}

func TestMetricStoreDimensionOrderIsOneMetric(t *testing.T) {
	s := newMetricStore(time.Hour)
	s.record("NS", "M", []Dimension{{"A", "1"}, {"B", "2"}}, "Count", cwT0, 1)
	s.record("NS", "M", []Dimension{{"B", "2"}, {"A", "1"}}, "Count", cwT0, 2)
	s.record("NS", "M", []Dimension{{"A", "1"}}, "Count", cwT0, 100) // another metric
	got := s.buckets(metricID{"NS", "M", []Dimension{{"B", "2"}, {"A", "1"}}}, "", cwT0.Unix(), cwT0.Unix()+1, 60, cwT0)
	wantBuckets(t, got, bucket(cwT0, 3, 2, 1, 2))
	if n := len(s.metrics(cwT0)); n != 2 {
		t.Errorf("%d metrics listed, want 2", n)
	}
}

func TestMetricStoreOutOfOrderSamples(t *testing.T) {
	s := newMetricStore(time.Hour)
	for _, d := range []time.Duration{5, 1, 3, 1, 9, 0} {
		s.record("NS", "M", nil, "", sec(d*time.Second), float64(d))
	}
	wantBuckets(t, s.buckets(metricID{"NS", "M", nil}, "", cwT0.Unix(), cwT0.Unix()+60, 1, sec(10*time.Second)),
		bucket(sec(0), 0, 1, 0, 0), bucket(sec(time.Second), 2, 2, 1, 1), bucket(sec(3*time.Second), 3, 1, 3, 3),
		bucket(sec(5*time.Second), 5, 1, 5, 5), bucket(sec(9*time.Second), 9, 1, 9, 9))
}

func TestMetricStoreUnitFilter(t *testing.T) {
	s := newMetricStore(time.Hour)
	s.record("NS", "M", nil, "Bytes", cwT0, 100)
	s.record("NS", "M", nil, "Kilobytes", sec(time.Second), 2)
	s.record("NS", "M", nil, "", sec(2*time.Second), 7) // no unit is "None"
	id := metricID{"NS", "M", nil}
	wantBuckets(t, s.buckets(id, "Bytes", cwT0.Unix(), cwT0.Unix()+60, 60, cwT0), bucket(cwT0, 100, 1, 100, 100))
	wantBuckets(t, s.buckets(id, "None", cwT0.Unix(), cwT0.Unix()+60, 60, cwT0), bucket(cwT0, 7, 1, 7, 7))
	wantBuckets(t, s.buckets(id, "", cwT0.Unix(), cwT0.Unix()+60, 60, cwT0), bucket(cwT0, 109, 3, 2, 100))
	wantBuckets(t, s.buckets(id, "", cwT0.Unix(), cwT0.Unix()+60, 1, cwT0),
		bucket(cwT0, 100, 1, 100, 100), bucket(sec(time.Second), 2, 1, 2, 2), bucket(sec(2*time.Second), 7, 1, 7, 7))
	if got := s.buckets(id, "Count", cwT0.Unix(), cwT0.Unix()+60, 60, cwT0); len(got) != 0 {
		t.Errorf("unit Count: got %+v, want nothing", got)
	}
}

// storedPoints counts every per-second point the store holds, and its series.
func (s *metricStore) storedPoints() (points, series int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, se := range s.series {
		for _, up := range se.units {
			points += len(up.points)
		}
	}
	return points, len(s.series)
}

func TestMetricStoreRetentionKeepsMemoryBounded(t *testing.T) {
	const retention = 90
	s := newMetricStore(retention * time.Second)
	// 50 short-lived metrics (a stream that was deleted), then 2 metrics written every second
	// for almost three hours: the store must hold only the last retention seconds of the live ones.
	for i := range 50 {
		s.record("AWS/Kinesis", "IncomingBytes", []Dimension{{"StreamName", fmt.Sprint("gone-", i)}}, "Bytes", cwT0, 1)
	}
	const seconds = 10_000
	var peak int
	for i := range seconds {
		at := sec(time.Duration(i) * time.Second)
		s.record("AWS/Kinesis", "IncomingBytes", []Dimension{{"StreamName", "live"}}, "Bytes", at, 1)
		s.record("AWS/Kinesis", "IncomingRecords", []Dimension{{"StreamName", "live"}}, "Count", at.Add(500*time.Millisecond), 1)
		peak = max(peak, func() int { p, _ := s.storedPoints(); return p }())
	}
	points, series := s.storedPoints()
	if points != 2*retention {
		t.Errorf("%d points stored, want %d (2 metrics × %d s retention)", points, 2*retention, retention)
	}
	if series != 2 {
		t.Errorf("%d series stored, want 2: the 50 idle ones must be swept", series)
	}
	if limit := 2*retention + 50; peak > limit {
		t.Errorf("peak %d points, want at most %d", peak, limit)
	}
	now := sec((seconds - 1) * time.Second) // the last write's second
	got := s.buckets(metricID{"AWS/Kinesis", "IncomingBytes", []Dimension{{"StreamName", "live"}}}, "", 0, now.Unix()+1, 3600, now)
	var total float64
	for _, b := range got {
		total += b.stats.sum
	}
	if total != retention {
		t.Errorf("sum over all time = %v, want %v: only the retained seconds", total, retention)
	}
	// A sample already older than the retention is not stored at all.
	s.record("AWS/Kinesis", "IncomingBytes", []Dimension{{"StreamName", "late"}}, "Bytes", cwT0, 1)
	s.add([]metricSample{{namespace: "NS", name: "old", at: cwT0, stats: secondStats{sum: 1, count: 1, min: 1, max: 1}}}, now)
	if _, series := s.storedPoints(); series != 2 {
		t.Errorf("%d series after writing expired samples, want 2", series)
	}
}

func TestMetricStoreConcurrentRecordAndRead(t *testing.T) {
	s := newMetricStore(time.Hour)
	clock := NewManualClock(cwT0)
	dims := []Dimension{{"StreamName", "s"}}
	id := metricID{"AWS/Kinesis", "PutRecords.Records", dims}
	const writers, each = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				s.record(id.namespace, id.name, dims, "Count", clock.Now(), float64(w*each+i))
				if i%50 == 0 {
					clock.Advance(time.Second)
					s.buckets(id, "", cwT0.Unix(), cwT0.Unix()+3600, 60, clock.Now())
					s.metrics(clock.Now())
				}
			}
		}()
	}
	wg.Wait()
	got := s.buckets(id, "", cwT0.Unix(), cwT0.Unix()+3600, 3600, clock.Now())
	const n = writers * each
	wantBuckets(t, got, bucket(cwT0, n*(n-1)/2, n, 0, n-1))
}

func TestMetricStoreRecordDoesNotAllocate(t *testing.T) {
	s := newMetricStore(time.Hour)
	dims := []Dimension{{"StreamName", "orders"}, {"ShardId", "shardId-000000000001"}}
	s.record("AWS/Kinesis", "IncomingBytes", dims, "Bytes", cwT0, 1)
	allocs := testing.AllocsPerRun(1000, func() {
		s.record("AWS/Kinesis", "IncomingBytes", dims, "Bytes", cwT0, 1)
	})
	if allocs != 0 {
		t.Errorf("record on an existing metric allocates %v times per call, want 0", allocs)
	}
}

func BenchmarkMetricStoreRecord(b *testing.B) {
	s := newMetricStore(3 * time.Hour)
	dims := []Dimension{{"StreamName", "orders"}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.record("AWS/Kinesis", "IncomingBytes", dims, "Bytes", sec(time.Duration(i/1000)*time.Second), 512)
		i++
	}
}
