package metrics

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// heatSnap is a sample at t over interval dt of shards with (records %, bytes %, throttled/s).
func heatSnap(t time.Time, dt time.Duration, shards map[string][3]float64) *Snapshot {
	snap := &Snapshot{Time: t, Interval: dt}
	for id, v := range shards {
		sv := ShardValues{ShardID: id, Values: NewValues()}
		sv.Set(PutRecordsPct, v[0])
		sv.Set(PutBytesPct, v[1])
		sv.Set(ThrottledRecords, v[2])
		snap.Shards = append(snap.Shards, sv)
	}
	return snap
}

var heatT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func cellsOf(t *testing.T, s *Store, id string, from time.Time, n int) []HeatCell {
	t.Helper()
	return s.AppendHeatRow(nil, id, from, n)
}

func heatText(c HeatCell) string {
	p, ok := c.Pct()
	switch {
	case !ok:
		return "·"
	case c.Throttled():
		return fmt.Sprintf("%d!", p)
	}
	return fmt.Sprint(p)
}

func rowString(cells []HeatCell) string {
	s := ""
	for i, c := range cells {
		if i > 0 {
			s += " "
		}
		s += heatText(c)
	}
	return s
}

// Each second holds the larger of records % and bytes % (the binding limit), the mean over its
// samples, and whether anything was throttled in it; seconds without samples hold nothing.
func TestHeatRowsHoldEachSecondsBindingPercentage(t *testing.T) {
	const step = 250 * time.Millisecond
	s := newStore("s", 40, 40, newHeatRows(10*time.Second, 1000, 1<<20), [numMetrics]bool{}, [numMetrics]bool{})
	sample := func(k int, shards map[string][3]float64) {
		s.append(heatSnap(heatT0.Add(time.Duration(k)*step), step, shards))
	}
	// Second 0 (samples 1…4): hot at 120 % of records and throttled, cool bound by bytes.
	for k := 1; k <= 4; k++ {
		sample(k, map[string][3]float64{"hot": {120, 60, 5}, "cool": {10, 49.6, 0}})
	}
	// Second 1: the hot shard at 0, 0, 100, 100 % (mean 50), throttled in none of them.
	for k, v := range []float64{0, 0, 100, 100} {
		sample(5+k, map[string][3]float64{"hot": {v, 1, 0}, "cool": {10, 49.6, 0}})
	}
	// Second 2: only the cool shard is sampled (hot left the map); second 3 is half sampled.
	for k := 9; k <= 12; k++ {
		sample(k, map[string][3]float64{"cool": {10, 80, 0}})
	}
	for k := 13; k <= 14; k++ {
		sample(k, map[string][3]float64{"cool": {10, 30, 1}, "new": {70, 20, 0}})
	}
	from := heatT0.Add(-time.Second)
	if got, want := rowString(cellsOf(t, s, "hot", from, 6)), "· 120! 50 · · ·"; got != want {
		t.Errorf("hot row %q, want %q", got, want)
	}
	if got, want := rowString(cellsOf(t, s, "cool", from, 6)), "· 50 50 80 30! ·"; got != want {
		t.Errorf("cool row %q, want %q (the running second reads as its samples so far)", got, want)
	}
	if got, want := rowString(cellsOf(t, s, "new", from, 6)), "· · · · 70 ·"; got != want {
		t.Errorf("new row %q, want %q", got, want)
	}
	if got := rowString(cellsOf(t, s, "never", from, 3)); got != "· · ·" {
		t.Errorf("unknown shard %q, want no cells", got)
	}
}

// The rows are rings of the window's seconds: a long run keeps the latest window, reads older
// seconds as empty, drops a retired shard's row once its last second has left the window, and
// keeps about a byte per shard-second: 10,000 shards over 10 minutes stay under 8 MB.
func TestHeatRowsAreBoundedByTheWindow(t *testing.T) {
	const window = 10 * time.Second
	s := newStore("s", 40, 40, newHeatRows(window, 1000, 1<<20), [numMetrics]bool{}, [numMetrics]bool{})
	if s.HeatSeconds() != 10 {
		t.Fatalf("HeatSeconds %d, want 10", s.HeatSeconds())
	}
	for k := 1; k <= 100; k++ { // 100 s at 1 sample/s, percentage = second number % 100
		shards := map[string][3]float64{"a": {float64(k), 0, 0}}
		if k <= 30 {
			shards["retired"] = [3]float64{50, 0, 0}
		}
		s.append(heatSnap(heatT0.Add(time.Duration(k)*time.Second), time.Second, shards))
	}
	// Second k-1 holds the sample taken at k (its interval ends there): the window's 10 completed
	// seconds 89…98 read 90…99, and the running second 99 reads 100.
	got := rowString(cellsOf(t, s, "a", heatT0.Add(87*time.Second), 13))
	if want := "· · 90 91 92 93 94 95 96 97 98 99 100"; got != want {
		t.Errorf("after 100 s the row reads %q, want %q", got, want)
	}
	if _, ok := s.heat.rows["retired"]; ok {
		t.Error("the retired shard's row is still kept 70 s after its last sample")
	}

	const shards, minutes = 10_000, 10
	h := newHeatRows(minutes*time.Minute, 1000, 1<<20)
	ids := map[string][3]float64{}
	for i := range shards {
		ids[fmt.Sprintf("shardId-%012d", i)] = [3]float64{50, 50, 0}
	}
	snaps := []*Snapshot{heatSnap(heatT0, time.Second, ids), heatSnap(heatT0.Add(time.Second), time.Second, ids)}
	before := heapNow()
	for _, snap := range snaps {
		h.add(snap)
	}
	grown := heapNow() - before
	t.Logf("heat rows of %d shards over %d minutes: %d KB", shards, minutes, grown>>10)
	if limit := uint64(8 << 20); grown > limit {
		t.Errorf("heat rows of %d shards take %d KB, want under %d KB", shards, grown>>10, limit>>10)
	}
	runtime.KeepAlive(h)
	runtime.KeepAlive(snaps)
}

func heapNow() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Two cells drawn as one keep the larger percentage and any throttle; a cell without data adds
// nothing.
func TestHeatCellMax(t *testing.T) {
	a, b := MakeHeatCell(30, true), MakeHeatCell(80, false)
	if got := a.Max(b); heatText(got) != "80!" {
		t.Errorf("30! max 80 = %s, want 80!", heatText(got))
	}
	if got := NoHeat.Max(b); got != b {
		t.Errorf("none max 80 = %s", heatText(got))
	}
	if got := a.Max(NoHeat); got != a {
		t.Errorf("30! max none = %s", heatText(got))
	}
	if got := NoHeat.Max(NoHeat); got != NoHeat {
		t.Errorf("none max none = %s", heatText(got))
	}
	if got := MakeHeatCell(500, false); heatText(got) != "126" {
		t.Errorf("500%% is held as %s, want the cap 126", heatText(got))
	}
}

// Where offers are counted, a second holds what was offered to the shard, not what was put: a
// hot key shows how far past the limit it pushes its shard, and offered user records count as
// the Kinesis records they become (divided by the aggregation ratio, the last one known when
// nothing was put).
func TestHeatRowsShowTheOfferedLoad(t *testing.T) {
	s := newStore("s", 40, 40, newHeatRows(10*time.Second, 1000, 1<<20), [numMetrics]bool{}, [numMetrics]bool{})
	sample := func(k int, offRec, offByt, ratio, putPct float64) {
		snap := heatSnap(heatT0.Add(time.Duration(k)*time.Second), time.Second, map[string][3]float64{"a": {putPct, putPct, 1}})
		sv := &snap.Shards[0]
		sv.Set(OfferedRecords, offRec)
		sv.Set(OfferedBytes, offByt)
		sv.Set(AggregationRatio, ratio)
		s.append(snap)
	}
	sample(1, 700, 1.2*(1<<20), 10, 100)    // bytes bind: 120 % offered though 100 % was put
	sample(2, 11_000, 0.5*(1<<20), 10, 100) // records bind: 11,000 user records are 1,100 Kinesis records
	sample(3, 9_000, 0, nan, 0)             // nothing put: the last ratio (10) still applies
	sample(4, 0, 0, nan, 0)
	if got, want := rowString(cellsOf(t, s, "a", heatT0, 3)), "120! 110! 90!"; got != want {
		t.Errorf("row %q, want %q", got, want)
	}
	s2 := newStore("s", 40, 40, newHeatRows(10*time.Second, 1000, 1<<20), [numMetrics]bool{}, [numMetrics]bool{})
	snap := heatSnap(heatT0.Add(time.Second), time.Second, map[string][3]float64{"a": {0, 0, 0}})
	snap.Shards[0].Set(OfferedRecords, 3000)
	snap.Shards[0].Set(OfferedBytes, 0.25*(1<<20))
	snap.Shards[0].Set(AggregationRatio, 50)
	s2.append(snap)
	if got, want := rowString(cellsOf(t, s2, "a", heatT0, 1)), "25"; got != want {
		t.Errorf("3,000 user records/s at 50 a Kinesis record and 256 KiB/s: %q, want %q (bytes bind)", got, want)
	}
}
