package recordsample

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/metrics"
)

// Sample returns what the sample showed over the window: nil before any record page was read.
// It is a copy, safe to keep.
func (s *Sampler) Sample() *metrics.RecordSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.okCalls == 0 {
		return nil
	}
	now := s.cfg.Now()
	s.pruneLocked(now)
	since := now.Add(-s.cfg.Window)
	out := &metrics.RecordSample{
		Since: now, Until: now, OpenShards: len(s.open),
		Calls: s.calls, BytesRead: s.bytesRead, Throttled: s.throttled, BackingOff: s.backingOffLocked(now),
		Budget: s.budgetLocked(),
	}
	for id, c := range s.counts {
		covered := c.covered(since, now)
		if covered <= 0 && len(c.seconds) == 0 {
			continue
		}
		sh := metrics.ShardSample{ShardID: id, Seconds: covered.Seconds()}
		for t, sec := range c.seconds {
			sh.KinesisRecords += sec.records
			sh.KinesisBytes += sec.bytes
			sh.Aggregated += sec.aggregated
			sh.UserRecords += sec.users
			at := time.Unix(t, 0)
			if r := float64(sec.records); r > sh.PeakRecords || r == sh.PeakRecords && at.Before(sh.PeakAt) {
				sh.PeakRecords, sh.PeakAt = r, at
			}
			sh.PeakBytes = max(sh.PeakBytes, float64(sec.bytes))
		}
		var sketches []*metrics.KeySketch
		var distinct []*distinctKeys
		for _, seg := range c.segs {
			sketches = append(sketches, seg.keys)
			distinct = append(distinct, seg.distinct)
		}
		sh.TopKeys = metrics.TopKeys(s.cfg.TopKeys, false, sketches...)
		sh.DistinctKeys, _ = countDistinct(distinct)
		for _, sp := range c.spans {
			if f := later(sp.from, since); f.Before(out.Since) {
				out.Since = f
			}
		}
		out.Shards = append(out.Shards, sh)
		out.KinesisRecords += sh.KinesisRecords
		out.Aggregated += sh.Aggregated
		out.UserRecords += sh.UserRecords
	}
	slices.SortFunc(out.Shards, func(a, b metrics.ShardSample) int {
		return cmp.Or(cmp.Compare(load(b), load(a)), cmp.Compare(a.ShardID, b.ShardID))
	})
	sizes := hdrhistogram.New(1, maxUserRecordBytes, 2)
	var distinct []*distinctKeys
	for _, seg := range s.stream {
		sizes.Merge(seg.sizes)
		distinct = append(distinct, seg.distinct)
		out.SizeMax = max(out.SizeMax, seg.maxSize)
	}
	if sizes.TotalCount() > 0 {
		out.SizeP50, out.SizeP99 = sizes.ValueAtQuantile(50), min(sizes.ValueAtQuantile(99), out.SizeMax)
	}
	out.DistinctKeys, out.KeysExact = countDistinct(distinct)
	return out
}

// load ranks shards busiest first: records/s or bytes/s, whichever is nearer its write limit
// (1000 records/s, 1 MiB/s).
func load(sh metrics.ShardSample) float64 {
	if sh.Seconds <= 0 {
		return 0
	}
	return max(float64(sh.KinesisRecords)/1000, float64(sh.KinesisBytes)/(1<<20)) / sh.Seconds
}

func (s *Sampler) backingOffLocked(now time.Time) bool {
	for _, r := range s.running {
		if r.backoffUntil.After(now) {
			return true
		}
	}
	return false
}

// budgetLocked states the limits kept and what they left out.
func (s *Sampler) budgetLocked() string {
	b := fmt.Sprintf("≤ 1 GetRecords/s per sampled shard, ≤ %d shards, ≤ %s/s", s.cfg.MaxShards, formatBytes(s.cfg.MaxBytesPerSec))
	var left []string
	readable := 0
	for _, info := range s.shards {
		if info.ended == "" {
			readable++
		}
	}
	if n := readable - len(s.running) - s.leftOutForBytes; n > 0 && s.fatal == nil {
		how := "in turns"
		if len(s.busiest) > 0 {
			how = "the busiest by CloudWatch read"
		}
		left = append(left, fmt.Sprintf("%d shards beyond %d at once (%s)", n, s.cfg.MaxShards, how))
	}
	if s.leftOutForBytes > 0 {
		left = append(left, fmt.Sprintf("%d shards for the byte budget", s.leftOutForBytes))
	}
	if len(left) > 0 {
		b += "; left out: " + strings.Join(left, ", ")
	}
	return b
}

// Source describes the sample for the watch's list of sources.
func (s *Sampler) Source() metrics.Source {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	src := metrics.Source{
		Name:       "record sample",
		Resolution: fmt.Sprintf("1-second sample of %d of %d shards", len(s.running), len(s.open)),
		Cost: fmt.Sprintf("≤ 1 GetRecords/s per sampled shard (≤ 20%% of a shard's 5 calls/s), ≤ %s/s in all, ≤ %d shards",
			formatBytes(s.cfg.MaxBytesPerSec), s.cfg.MaxShards),
	}
	var backing []string
	for id, r := range s.running {
		if r.backoffUntil.After(now) {
			backing = append(backing, id+": "+strings.TrimPrefix(r.backoffWhy, id+": "))
		}
	}
	slices.Sort(backing)
	switch {
	case s.fatal != nil:
		src.Status, src.Detail = s.fatal.status, s.fatal.detail
	case s.cancel == nil || s.stopped:
		src.Status, src.Detail = "off", "not reading"
	case len(backing) > 0:
		src.Status = "backing off"
		src.Detail = strings.Join(backing, "; ")
		if s.throttled > 0 {
			src.Detail += fmt.Sprintf(" (%d calls throttled so far)", s.throttled)
		}
	case len(s.running) > 0:
		src.Status = "reading"
		src.Detail = s.budgetLocked()
		if s.throttled > 0 {
			src.Detail += fmt.Sprintf("; %d calls throttled so far, backed off", s.throttled)
		}
	case len(s.open) == 0:
		src.Status, src.Detail = "starting", "no open shard known yet (ListShards)"
	case s.lastErr != "":
		src.Status, src.Detail = "unavailable", s.lastErr
	default:
		src.Status, src.Detail = "unavailable", "the shards known are closed: waiting for ListShards to name the open ones"
	}
	return src
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
