package advisor

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// feed builds snapshots the way the sampler would publish them, from per-shard figures.
type feed struct {
	seq      int64
	t        time.Time
	settings metrics.ProducerSettings
}

type shardFig struct {
	offered, offeredBytes, put, putBytes, throttled float64
	limiter                                         int64
}

func newFeed() *feed {
	s := producer.DefaultConfig("s") // the settings a run starts with; the advisor reads them from snapshots
	return &feed{t: time.Unix(1_700_000_000, 0), settings: metrics.ProducerSettings{
		MaxConnections: s.MaxConnections, RateLimit: s.RateLimit, Aggregation: true, Adaptive: true,
		RecordTtl: s.RecordTtl, RecordMaxBufferedTime: s.RecordMaxBufferedTime, MaxBufferedRecords: s.MaxBufferedRecords,
		MaxBufferedBytes: s.MaxBufferedBytes, AggregationMaxSize: s.AggregationMaxSize,
	}}
}

// next returns the next 250 ms sample: shards' figures (Kinesis records = user records, no
// aggregation effect) and the stream's sums, the stream asked exactly what was offered.
func (f *feed) next(shards []shardFig, stream map[metrics.Metric]float64) *metrics.Snapshot {
	f.seq++
	f.t = f.t.Add(250 * time.Millisecond)
	s := &metrics.Snapshot{Seq: f.seq, Time: f.t, Interval: 250 * time.Millisecond, Stream: metrics.NewValues(),
		Settings: f.settings}
	var sum shardFig
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	step := new(big.Int).Div(max, big.NewInt(int64(len(shards))))
	for i, sh := range shards {
		v := metrics.NewValues()
		set := map[metrics.Metric]float64{metrics.OfferedRecords: sh.offered, metrics.OfferedBytes: sh.offeredBytes,
			metrics.PutRecords: sh.put, metrics.PutBytes: sh.putBytes, metrics.UserRecordsPut: sh.put, metrics.UserBytesPut: sh.putBytes,
			metrics.ThrottledRecords: sh.throttled, metrics.PutRecordsPct: sh.put / 10, metrics.PutBytesPct: 100 * sh.putBytes / (1 << 20),
			metrics.RatePercent: f.settings.RateLimit}
		for m, x := range set {
			v.Set(m, x)
		}
		id := "shardId-00000000000" + string(rune('0'+i))
		start := new(big.Int).Mul(step, big.NewInt(int64(i)))
		end := new(big.Int).Sub(new(big.Int).Add(start, step), big.NewInt(1))
		s.Shards = append(s.Shards, metrics.ShardValues{ShardID: id, Values: v, LimiterRecords: sh.limiter,
			StartingHashKey: start.String(), EndingHashKey: end.String()})
		sum.offered += sh.offered
		sum.offeredBytes += sh.offeredBytes
		sum.put += sh.put
		sum.putBytes += sh.putBytes
		sum.throttled += sh.throttled
	}
	base := map[metrics.Metric]float64{metrics.OfferedRecords: sum.offered, metrics.OfferedBytes: sum.offeredBytes,
		metrics.ScheduledRecords: sum.offered, metrics.UserRecordsPut: sum.put, metrics.UserBytesPut: sum.putBytes,
		metrics.PutRecords: sum.put, metrics.PutBytes: sum.putBytes, metrics.ThrottledRecords: sum.throttled,
		metrics.ThrottledFraction: frac(sum.throttled, sum.put), metrics.AggregationRatio: 1, metrics.Expired: 0,
		metrics.RequestsInFlight: 1, metrics.PendingRecords: 100, metrics.TargetRate: sum.offered}
	for m, x := range stream {
		base[m] = x
	}
	for m, x := range base {
		s.Stream.Set(m, x)
	}
	return s
}

func frac(t, p float64) float64 {
	if t+p == 0 {
		return math.NaN()
	}
	return t / (t + p)
}

func rules(fs []metrics.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

// hotShardLoad is four shards, the first throttling on 60% of the records, the others at 30%.
func hotShardLoad() []shardFig {
	return []shardFig{{offered: 1800, offeredBytes: 1800 * 600, put: 1000, putBytes: 1000 * 600, throttled: 300},
		{offered: 300, offeredBytes: 300 * 600, put: 300, putBytes: 300 * 600},
		{offered: 300, offeredBytes: 300 * 600, put: 300, putBytes: 300 * 600},
		{offered: 300, offeredBytes: 300 * 600, put: 300, putBytes: 300 * 600}}
}

func TestHotShardRaisedOnceClearedAfterItsCauseAndKeptInHistory(t *testing.T) {
	a, f := New(Config{}), newFeed()
	hot := hotShardLoad()
	var raisedAt int
	for i := range 12 {
		raised, _ := a.Observe(Input{Snapshot: f.next(hot, nil)})
		if len(raised) > 0 {
			if raisedAt != 0 {
				t.Fatalf("raised again at sample %d: %v", i, rules(raised))
			}
			raisedAt = i + 1
			if raised[0].Rule != "hot-shard" || raised[0].ShardID != "shardId-000000000000" {
				t.Fatalf("raised %+v", raised[0])
			}
			if !strings.Contains(raised[0].Advice, "SplitShard shardId-000000000000 with NewStartingHashKey") {
				t.Errorf("no key dominates, so the advice is to split: %s", raised[0].Advice)
			}
		}
	}
	if raisedAt == 0 || raisedAt > 4 {
		t.Fatalf("raised at sample %d, want within the first second", raisedAt)
	}
	even := []shardFig{{offered: 600, offeredBytes: 600 * 600, put: 600, putBytes: 600 * 600},
		{offered: 600, offeredBytes: 600 * 600, put: 600, putBytes: 600 * 600},
		{offered: 600, offeredBytes: 600 * 600, put: 600, putBytes: 600 * 600},
		{offered: 600, offeredBytes: 600 * 600, put: 600, putBytes: 600 * 600}}
	clearedAt := 0
	for i := range 60 {
		_, cleared := a.Observe(Input{Snapshot: f.next(even, nil)})
		if len(cleared) > 0 {
			clearedAt = i + 1
			break
		}
	}
	// The window (5 s = 20 samples) must forget the hot samples, then ClearAfter (2 s) pass.
	if clearedAt == 0 || clearedAt > 28 {
		t.Fatalf("cleared at sample %d of the even load, want by 28 (7 s)", clearedAt)
	}
	if len(a.Active()) != 0 {
		t.Errorf("still active: %v", rules(a.Active()))
	}
	h := a.History()
	if len(h) != 1 || h[0].Active || h[0].Rule != "hot-shard" || !h[0].LastSeen.After(h[0].FirstSeen) {
		t.Fatalf("history %+v", h)
	}
}

// Any stream at most 60% busy on both limits, throttling nothing and delivering what it is
// asked, gets no finding at all.
func TestNoFindingForAHealthyStream(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 16).Draw(rt, "shards")
		size := rapid.Float64Range(20, 50_000).Draw(rt, "record bytes")
		a, f := New(Config{}), newFeed()
		for range 24 {
			shards := make([]shardFig, n)
			for i := range shards {
				util := rapid.Float64Range(0, 0.6).Draw(rt, "util")
				recs := math.Min(util*1000, util*(1<<20)/size)
				shards[i] = shardFig{offered: recs, offeredBytes: recs * size, put: recs, putBytes: recs * size}
			}
			if raised, _ := a.Observe(Input{Snapshot: f.next(shards, nil)}); len(raised) > 0 {
				rt.Fatalf("healthy stream raised %v: %s", rules(raised), raised[0].Summary)
			}
		}
	})
}

// When every shard is saturated, the shards needed are the measured peak in MiB/s rounded up
// (or records/s ÷ 1000), and the advice's UpdateShardCount steps never more than double.
func TestStreamCapacitySizesForThePeak(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 8).Draw(rt, "shards")
		factor := rapid.Float64Range(1.3, 10).Draw(rt, "demand / capacity")
		size := 2000.0 // bytes bind: 524 records/s per MiB
		a, f := New(Config{}), newFeed()
		var got []metrics.Finding
		for range 8 {
			shards := make([]shardFig, n)
			for i := range shards {
				asked := factor * (1 << 20) / size
				put := (1 << 20) / size
				shards[i] = shardFig{offered: asked, offeredBytes: asked * size, put: put, putBytes: put * size, throttled: asked - put}
			}
			a.Observe(Input{Snapshot: f.next(shards, nil)})
			got = a.Active()
		}
		var cap *metrics.Finding
		for i := range got {
			if got[i].Rule == "stream-capacity" {
				cap = &got[i]
			}
		}
		if cap == nil {
			rt.Fatalf("no stream-capacity finding: %v", rules(got))
		}
		want := int(math.Ceil(factor*float64(n) - 1e-9))
		if need := cap.Evidence["shards_needed"].(int); need != want {
			rt.Fatalf("shards needed %d, want ⌈%.3f⌉ = %d", need, factor*float64(n), want)
		}
		if !strings.Contains(cap.Advice, "UpdateShardCount to "+strconv.Itoa(want)) {
			rt.Fatalf("advice %q", cap.Advice)
		}
	})
}

func TestScalingStepsAtMostDouble(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		from := rapid.IntRange(1, 500).Draw(rt, "from")
		// Up to MaxInt: a demand read from wild figures once made this loop overflow and
		// never end (CI ran out of memory on it).
		to := rapid.OneOf(rapid.IntRange(from+1, 5000), rapid.IntRange(from+1, math.MaxInt)).Draw(rt, "to")
		s := scalingSteps(from, to)
		if to <= 2*from {
			if s != "" {
				rt.Fatalf("one call suffices for %d → %d, got %q", from, to, s)
			}
			return
		}
		inner := strings.TrimSuffix(s[strings.Index(s, ": ")+2:], ")")
		prev := 0
		for i, p := range strings.Split(inner, " → ") {
			c, ok := new(big.Int).SetString(p, 10)
			if !ok {
				rt.Fatalf("step %q", p)
			}
			v := int(c.Int64())
			if i == 0 && v != from || i > 0 && (v-prev > prev || v <= prev) { // v-prev > prev: v > 2·prev without overflow
				rt.Fatalf("steps %q break the doubling rule", inner)
			}
			prev = v
		}
		if prev != to {
			rt.Fatalf("steps %q end at %d, not %d", inner, prev, to)
		}
	})
}

func TestMidpointSplitsTheRange(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		a := new(big.Int).SetUint64(rapid.Uint64().Draw(rt, "a"))
		b := new(big.Int).Add(a, new(big.Int).SetUint64(rapid.Uint64Min(1).Draw(rt, "width")))
		m, ok := new(big.Int).SetString(midpoint(a.String(), b.String()), 10)
		if !ok || m.Cmp(a) <= 0 || m.Cmp(b) > 0 {
			rt.Fatalf("midpoint of [%v, %v] = %v", a, b, m)
		}
	})
	if midpoint("5", "5") != "" || midpoint("x", "9") != "" {
		t.Error("an empty or unknown range has no midpoint")
	}
}

func TestFigures(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{mib(5.3 * (1 << 20)), "5.3 MiB/s"}, {mib(512 * 1024), "0.5 MiB/s"}, {mib(10 * 1024), "10 KiB/s"},
		{count(12000), "12,000"}, {count(1234567.4), "1,234,567"}, {count(2.5), "2.5"}, {count(-1500), "-1,500"}, {count(math.NaN()), "—"},
		{pct(0.71), "71%"}, {pct(0.064), "6.4%"}, {dur(30 * time.Second), "30s"}, {dur(2 * time.Minute), "2m"}, {dur(1500 * time.Millisecond), "1.5s"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestCeilCountStaysAWholeCountForAnyFigure(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want int
	}{{math.NaN(), 0}, {-3, 0}, {0, 0}, {0.2, 1}, {2, 2}, {2.0000000001, 2}, {2.5, 3}, {1e300, maxCount}, {math.Inf(1), maxCount}} {
		if got := ceilCount(c.x); got != c.want {
			t.Errorf("ceilCount(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}
