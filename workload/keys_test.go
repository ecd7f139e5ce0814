package workload

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

func newKeys(t testing.TB, spec string, shards []ShardRange) keyStrategy {
	t.Helper()
	ks, err := newKeyStrategy(mustKeys(t, spec), 12345, 0, shards)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// draw returns how often each key came up in n draws.
func draw(ks keyStrategy, n int) map[string]int {
	counts := map[string]int{}
	for range n {
		k, _ := ks.next()
		counts[k]++
	}
	return counts
}

// shardOf finds the shard a record lands on, as Kinesis does: explicit hash key, else MD5.
func shardOf(t testing.TB, shards []ShardRange, key, ehk string) int {
	t.Helper()
	var hk hashkey.Key
	if ehk != "" {
		var ok bool
		if hk, ok = hashkey.Parse(ehk); !ok {
			t.Fatalf("bad explicit hash key %q", ehk)
		}
	} else {
		sum := md5.Sum([]byte(key))
		hk = hashkey.Key{Hi: binary.BigEndian.Uint64(sum[:8]), Lo: binary.BigEndian.Uint64(sum[8:])}
	}
	for i, r := range shards {
		if r.Contains(hk) {
			return i
		}
	}
	t.Fatalf("hash key %s of %q in no shard", hk, key)
	return -1
}

func TestZipfRankFrequency(t *testing.T) {
	const n, s, k = 400_000, 1.1, 1000
	counts := draw(newKeys(t, "zipf:1.1:1000", nil), n)
	harmonic := 0.0
	for r := 1; r <= k; r++ {
		harmonic += math.Pow(float64(r), -s)
	}
	// Each of the top ranks within 5 standard deviations of its expected count.
	for r := 1; r <= 20; r++ {
		p := math.Pow(float64(r), -s) / harmonic
		want, sd := p*n, math.Sqrt(n*p*(1-p))
		if got := float64(counts[keyName(r)]); math.Abs(got-want) > 5*sd {
			t.Errorf("rank %d: %v draws, want %.0f ± %.0f", r, got, want, 5*sd)
		}
	}
	// The log-log rank-frequency slope over ranks 1..100 is -s.
	var sx, sy, sxx, sxy float64
	for r := 1; r <= 100; r++ {
		x, y := math.Log(float64(r)), math.Log(float64(counts[keyName(r)]))
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	slope := (100*sxy - sx*sy) / (100*sxx - sx*sx)
	if math.Abs(slope+s) > 0.05 {
		t.Errorf("rank-frequency slope %.3f, want %.2f ± 0.05", slope, -s)
	}
	if len(counts) > k {
		t.Errorf("%d distinct keys, want at most %d", len(counts), k)
	}
}

func keyName(rank int) string { return "key-" + strconv.Itoa(rank) }

func TestHotKeyFraction(t *testing.T) {
	for _, c := range []struct {
		spec string
		f    float64
	}{{"hot:0.3", 0.3}, {"hot:0.05:pool:100", 0.05}, {"hot:0.9:zipf:1.2:50", 0.9}} {
		const n = 100_000
		ks := newKeys(t, c.spec, nil)
		counts := draw(ks, n)
		if got := float64(counts["hot"]) / n; math.Abs(got-c.f) > 0.01 {
			t.Errorf("%s: hot key took %.4f of records, want %.2f ± 0.01", c.spec, got, c.f)
		}
		top := ks.topKeys(3)
		if len(top) == 0 || top[0].Key != "hot" || top[0].Expected != c.f || math.Abs(top[0].Observed-c.f) > 0.01 {
			t.Errorf("%s: top keys %+v, want hot first with share %.2f", c.spec, top, c.f)
		}
	}
	// The rest of hot:F:pool:K stays within the pool.
	for k := range draw(newKeys(t, "hot:0.5:pool:10", nil), 10_000) {
		if k != "hot" && !regexp.MustCompile(`^key-([1-9]|10)$`).MatchString(k) {
			t.Fatalf("key %q outside hot + pool:10", k)
		}
	}
}

func TestPoolIsUniform(t *testing.T) {
	const n, k = 100_000, 100
	counts := draw(newKeys(t, "pool:100", nil), n)
	if len(counts) != k {
		t.Fatalf("%d distinct keys, want %d", len(counts), k)
	}
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - n/k
		chi2 += d * d / (n / k)
	}
	if chi2 > 148.2 { // χ² with 99 degrees of freedom at p = 0.001
		t.Errorf("χ² = %.1f: pool draws are not uniform", chi2)
	}
}

func TestRandomKeysAreUUIDsSpreadByMD5(t *testing.T) {
	shards := EvenShards(4)
	ks := newKeys(t, "random", nil)
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	per := make([]int, 4)
	const n = 40_000
	for range n {
		k, ehk := ks.next()
		if !uuid.MatchString(k) || ehk != "" || seen[k] {
			t.Fatalf("key %q (ehk %q, repeat %v)", k, ehk, seen[k])
		}
		seen[k] = true
		per[shardOf(t, shards, k, "")]++
	}
	for i, c := range per {
		if math.Abs(float64(c)/n-0.25) > 0.02 {
			t.Errorf("shard %d got %.3f of random keys, want 0.25 ± 0.02", i, float64(c)/n)
		}
	}
	if ks.topKeys(10) != nil {
		t.Error("random keys have no top keys")
	}
}

// unevenShards is a stream after two splits: shard widths 1/2, 1/4, 1/8, 1/8 of the space.
func unevenShards(t testing.TB) []ShardRange {
	t.Helper()
	even := EvenShards(2)
	quarter := EvenShards(4)
	eighth := EvenShards(8)
	return []ShardRange{
		{ID: "shardId-000000000000", Start: even[0].Start, End: even[0].End},
		{ID: "shardId-000000000002", Start: quarter[2].Start, End: quarter[2].End},
		{ID: "shardId-000000000005", Start: eighth[6].Start, End: eighth[6].End},
		{ID: "shardId-000000000006", Start: eighth[7].Start, End: eighth[7].End},
	}
}

func TestEHKSpreadsEvenlyOverShards(t *testing.T) {
	shards := unevenShards(t)
	ks := newKeys(t, "ehk", shards)
	const n = 64_000
	per := make([]int, len(shards))
	for range n {
		k, ehk := ks.next()
		if ehk == "" || k == "" || len(k) > 256 {
			t.Fatalf("key %q ehk %q", k, ehk)
		}
		per[shardOf(t, shards, k, ehk)]++
	}
	for i, c := range per {
		if c != n/len(shards) {
			t.Errorf("shard %d got %d of %d records, want exactly %d (1/N whatever its width)", i, c, n, n/len(shards))
		}
	}
	top := ks.topKeys(1000)
	if len(top) != len(shards)*pointsPerShard {
		t.Fatalf("%d top keys, want %d", len(top), len(shards)*pointsPerShard)
	}
	for _, k := range top {
		if k.Shard == "" || math.Abs(k.Observed-k.Expected) > 1e-9 {
			t.Fatalf("top key %+v", k)
		}
	}

	// After a split of shard 0, the new map is used at once, still evenly.
	halves := EvenShards(4)
	resharded := append([]ShardRange{
		{ID: "shardId-000000000007", Start: halves[0].Start, End: halves[0].End},
		{ID: "shardId-000000000008", Start: halves[1].Start, End: halves[1].End},
	}, shards[1:]...)
	if err := ks.(shardAware).setShards(resharded); err != nil {
		t.Fatal(err)
	}
	per = make([]int, len(resharded))
	for range 5 * pointsPerShard * 100 {
		k, ehk := ks.next()
		per[shardOf(t, resharded, k, ehk)]++
	}
	for i, c := range per {
		if c != pointsPerShard*100 {
			t.Errorf("after the split, shard %d got %d records, want %d", i, c, pointsPerShard*100)
		}
	}
}

func TestShardStrategyLoadsOneShardAndFollowsIt(t *testing.T) {
	shards := unevenShards(t)
	for _, target := range []string{"1", "shardId-000000000002"} {
		ks := newKeys(t, "shard:"+target, shards)
		seen := map[string]bool{}
		for range 1000 {
			k, ehk := ks.next()
			if s := shardOf(t, shards, k, ehk); s != 1 {
				t.Fatalf("shard:%s sent a record to shard %d", target, s)
			}
			seen[ehk] = true
		}
		if len(seen) != pointsPerShard {
			t.Errorf("shard:%s used %d hash keys, want %d spread in the shard", target, len(seen), pointsPerShard)
		}
		// Split shard 1 (the third quarter) in two: the load follows its start of range
		// into the lower child.
		q := EvenShards(8)
		split := []ShardRange{shards[0],
			{ID: "shardId-000000000009", Start: q[4].Start, End: q[4].End},
			{ID: "shardId-000000000010", Start: q[5].Start, End: q[5].End},
			shards[2], shards[3]}
		if err := ks.(shardAware).setShards(split); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			k, ehk := ks.next()
			if s := shardOf(t, split, k, ehk); s != 1 {
				t.Fatalf("after the split, shard:%s went to shard %d, want the lower child", target, s)
			}
		}
	}
	if _, err := newKeyStrategy(mustKeys(t, "shard:4"), 1, 0, shards); err == nil || !strings.Contains(err.Error(), "4 open shards") {
		t.Errorf("shard:4 of 4 shards: %v", err)
	}
	if _, err := newKeyStrategy(mustKeys(t, "shard:shardId-000000000099"), 1, 0, shards); err == nil {
		t.Error("shard with an unknown ID accepted")
	}
}

func TestSeqKeys(t *testing.T) {
	ks := newKeys(t, "seq", nil)
	for i := range 3 {
		if k, _ := ks.next(); k != "seq-"+strconv.Itoa(i) {
			t.Fatalf("seq key %d = %q", i, k)
		}
	}
	cyc := newKeys(t, "seq:3", nil)
	var got []string
	for range 7 {
		k, _ := cyc.next()
		got = append(got, k)
	}
	if want := []string{"seq-0", "seq-1", "seq-2", "seq-0", "seq-1", "seq-2", "seq-0"}; !slices.Equal(got, want) {
		t.Fatalf("seq:3 gave %v", got)
	}
}

func TestTopKeysOfPoolFollowObservedCounts(t *testing.T) {
	ks := newKeys(t, "zipf:1.5:10000", nil)
	draw(ks, 50_000)
	top := ks.topKeys(5)
	if len(top) != 5 {
		t.Fatalf("%d top keys", len(top))
	}
	for i, k := range top {
		if k.Key != keyName(i+1) {
			t.Errorf("top %d = %q, want %q", i, k.Key, keyName(i+1))
		}
		if i > 0 && k.Expected > top[i-1].Expected {
			t.Error("top keys not in decreasing share")
		}
		if math.Abs(k.Observed-k.Expected) > 0.01 {
			t.Errorf("%s observed %.4f expected %.4f", k.Key, k.Observed, k.Expected)
		}
	}
}

// TestRandomKeysAreFreshUUIDsInOrder: made in batches, random keys are still the seed's UUIDs in
// order, one per record, none repeated.
func TestRandomKeysAreFreshUUIDsInOrder(t *testing.T) {
	k := &randomKeys{rng: newPCG(5, streamKeys, 0)}
	want := newPCG(5, streamKeys, 0)
	seen := map[string]bool{}
	for i := range 3*uuidBatch + 7 {
		key, ehk := k.next()
		if w := string(appendUUID(nil, want)); key != w || ehk != "" {
			t.Fatalf("key %d = %q (ehk %q), want %q", i, key, ehk, w)
		}
		if seen[key] {
			t.Fatalf("key %d %q repeats", i, key)
		}
		seen[key] = true
	}
}

// TestTopKeysCountEveryRecordWhileDrawing: the counts the dashboard reads, while the generator
// draws and at any moment after, are exactly the records drawn per key (the generator adds them
// in batches); a seq strategy without a cycle counts none.
func TestTopKeysCountEveryRecordWhileDrawing(t *testing.T) {
	for _, spec := range []string{"pool:7", "zipf:1.1:7", "seq:7"} {
		ks := newKeys(t, spec, nil)
		stop := make(chan struct{})
		reading := make(chan struct{})
		go func() { // a dashboard polling meanwhile
			defer close(reading)
			for {
				select {
				case <-stop:
					return
				default:
					_ = ks.topKeys(3)
				}
			}
		}()
		want := map[string]uint64{}
		for i := range 3*keyCountBatch + 11 {
			k, _ := ks.next()
			want[k]++
			if i%97 != 0 && i != 3*keyCountBatch+10 {
				continue
			}
			var total uint64
			for _, s := range ks.topKeys(7) {
				total += s.Count
				if s.Count != want[s.Key] || s.Observed != float64(want[s.Key])/float64(i+1) {
					t.Fatalf("%s after %d records: %s counted %d (observed %.4f), want %d", spec, i+1, s.Key, s.Count, s.Observed, want[s.Key])
				}
			}
			if total != uint64(i+1) {
				t.Fatalf("%s after %d records: the top keys count %d", spec, i+1, total)
			}
		}
		close(stop)
		<-reading
	}
	if ks := newKeys(t, "seq", nil); ks.topKeys(3) != nil || ks.spec().Count != 0 {
		t.Fatal("seq without a cycle counts its keys")
	}
}

// TestKeyTableNamesEveryKey: across the digit counts, key i of a table is its prefix and number.
func TestKeyTableNamesEveryKey(t *testing.T) {
	for _, c := range []struct {
		prefix   string
		first, n int
	}{{"key-", 1, 1001}, {"seq-", 0, 101}, {"key-", 1, 1}, {"seq-", 0, 1}} {
		tab := newKeyTable(c.prefix, c.first, c.n)
		for i := range c.n {
			if got, want := tab.key(i), c.prefix+strconv.Itoa(c.first+i); got != want {
				t.Fatalf("%s%d.. key %d = %q, want %q", c.prefix, c.first, i, got, want)
			}
		}
	}
}

// TestUUIDIsTheDrawsInHex: a random key is the seed's next two draws, big-endian, with the
// version 4 and RFC 4122 variant bits set, in lower-case hex with dashes at 8, 13, 18 and 23
// (checked against encoding/hex).
func TestUUIDIsTheDrawsInHex(t *testing.T) {
	r, want := newPCG(3, streamKeys, 0), newPCG(3, streamKeys, 0)
	for i := range 20_000 {
		key := string(appendUUID([]byte("x"), r))[1:]
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], want.Uint64())
		binary.BigEndian.PutUint64(b[8:], want.Uint64())
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		h := hex.EncodeToString(b[:])
		if w := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]; key != w {
			t.Fatalf("key %d = %q, want %q", i, key, w)
		}
	}
}
