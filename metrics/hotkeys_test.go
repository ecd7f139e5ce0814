package metrics

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Space-Saving's guarantees, for any stream: every key heavier than total/k is reported, and
// every reported estimate lies within [true, true + error].
func TestHotKeysGuarantees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(1, 16).Draw(t, "k")
		h := NewHotKeys(k, time.Hour)
		keys := rapid.SliceOfN(rapid.IntRange(0, 40), 1, 2000).Draw(t, "keys")
		trueRecs, trueBytes := map[string]int64{}, map[string]int64{}
		var total, totalBytes int64
		for _, i := range keys {
			key := fmt.Sprint("k", i)
			size := 1 + i%7
			h.OnRecordRouted("s", key, size)
			trueRecs[key]++
			trueBytes[key] += int64(size)
			total++
			totalBytes += int64(size)
		}
		top := h.Top("s", k, false)
		reported := map[string]KeyCount{}
		for _, kc := range top {
			reported[kc.Key] = kc
			if kc.Records < trueRecs[kc.Key] || kc.Records-kc.RecordsError > trueRecs[kc.Key] {
				t.Fatalf("%s: estimate %d (error %d), true %d", kc.Key, kc.Records, kc.RecordsError, trueRecs[kc.Key])
			}
		}
		for key, n := range trueRecs {
			if n*int64(k) > total {
				if _, ok := reported[key]; !ok {
					t.Fatalf("%s has %d of %d records (> 1/%d) but is not reported", key, n, total, k)
				}
			}
		}
		for _, kc := range h.Top("s", k, true) {
			if kc.Bytes < trueBytes[kc.Key] || kc.Bytes-kc.BytesError > trueBytes[kc.Key] {
				t.Fatalf("%s: byte estimate %d (error %d), true %d", kc.Key, kc.Bytes, kc.BytesError, trueBytes[kc.Key])
			}
		}
	})
}

// A hotspot is seen forming and dissolving: the report covers the current and the previous
// window only.
func TestHotKeysWindowSlides(t *testing.T) {
	now := time.Unix(1000, 0)
	h := NewHotKeys(8, 10*time.Second)
	h.now = func() time.Time { return now }
	feed := func(hot string) {
		for i := range 1000 {
			key := fmt.Sprint("cold-", i%50)
			if i%2 == 0 {
				key = hot
			}
			h.OnRecordRouted("shardId-000000000001", key, 100)
		}
	}
	feed("alpha")
	if top := h.Top("shardId-000000000001", 1, false); top[0].Key != "alpha" || top[0].RecordShare < 0.49 {
		t.Fatalf("first window: %+v", top)
	}
	now = now.Add(10 * time.Second)
	h.Top("shardId-000000000001", 1, false) // rotates: alpha's window becomes the previous one
	feed("beta")
	feed("beta")
	if top := h.Top("shardId-000000000001", 2, false); top[0].Key != "beta" || top[1].Key != "alpha" {
		t.Fatalf("second window: %+v", top)
	}
	now = now.Add(10 * time.Second)
	h.Top("shardId-000000000001", 1, false)
	feed("gamma")
	for _, kc := range h.Top("shardId-000000000001", 8, false) {
		if kc.Key == "alpha" {
			t.Fatalf("alpha is two windows old but still reported: %+v", kc)
		}
	}
	now = now.Add(time.Minute)
	if top := h.Top("shardId-000000000001", 8, false); len(top) != 0 {
		t.Fatalf("after a minute idle: %+v", top)
	}
}

// Dominant names a key only when it provably carries traffic: never one of evenly spread keys.
func TestHotKeysDominant(t *testing.T) {
	h := NewHotKeys(64, time.Hour)
	for i := range 100_000 {
		h.OnRecordRouted("even", fmt.Sprint("k", i), 10) // every key distinct
		key := fmt.Sprint("k", i)
		if i%5 == 0 {
			key = "hot"
		}
		h.OnRecordRouted("skewed", key, 10)
	}
	if kc, ok := h.Dominant("even"); ok {
		t.Fatalf("evenly spread keys, but %q (%d ± %d) named dominant", kc.Key, kc.Records, kc.RecordsError)
	}
	if kc, ok := h.Dominant("skewed"); !ok || kc.Key != "hot" || kc.RecordShare < 0.19 || kc.RecordShare > 0.22 {
		t.Fatalf("skewed shard: %+v %v", kc, ok)
	}
}

func BenchmarkHotKeysRandomKeys(b *testing.B) {
	h := NewHotKeys(0, 0)
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprint("user-", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.OnRecordRouted("shardId-000000000000", keys[i&(1<<16-1)], 100)
		i++
	}
}
