package emulator

import (
	"sort"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// On-demand capacity, as AWS documents it.
//
// Kinesis Developer Guide, "Choose the data stream capacity mode"
// (docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html):
//   - "A data stream in the on-demand mode accommodates up to double the peak write throughput
//     observed in the previous 30 days. As your data stream's write throughput reaches a new
//     peak, Kinesis Data Streams scales the data stream's capacity automatically."
//   - "write throttling can occur if your traffic increases to more than double the previous
//     peak within a 15-minute duration."
//   - "When the incoming traffic exceeds 500 KB/s per shard, it splits the shard within 15
//     minutes. The parent shard's hash key values are redistributed evenly across child shards."
//   - "the data stream automatically adapts to handle uneven data distribution patterns unless a
//     single partition key exceeds a shard's 1 MB/s throughput and 1000 records per second limits."
//
// Kinesis Developer Guide, "Quotas and limits" (service-sizes-and-limits.html): "By default, new
// data streams created with the on-demand capacity mode have 4 MB/s of write and 8 MB/s of read
// throughput." AWS Big Data Blog (March 2023, "on-demand capacity mode now scales up to 1 GB/second
// ingest capacity"): "By default, on-demand capacity mode can automatically scale up to 200 MB/s of
// write throughput."
//
// The model (INFERRED where AWS does not say):
//   - Capacity is shards, as on AWS ("Kinesis Data Streams automatically manages the shards"): a new
//     on-demand stream has 4, so it takes 4 MiB/s and 4,000 records/s spread over keys (4,000:
//     4 shards × 1,000, inferred), and one key stays held to its shard's 1 MiB/s and 1,000 records/s.
//   - Each second the stream's accepted writes are measured (bytes with partition keys, and records;
//     the one-second granularity is inferred). The highest second of the last 30 days is the
//     previous peak; the stream aims at enough shards for twice it, never fewer than the 4 it
//     started with, at most Limits.OnDemandMaxWriteBytesPerSec/RecordsPerSec (200 MiB/s and
//     200,000 records/s: the records figure is inferred as 200 × 1,000).
//   - When that target exceeds the open shards, every shard that carried more than half its limit
//     in the second just measured (AWS's 500 KB/s, read as half the bytes or records limit:
//     inferred) is split in half once the scaling delay has
//     passed (15 minutes: AWS's "within 15 minutes" taken as the delay, inferred), through the
//     same split as SplitShard, so children have exact lineage and parents close with their
//     records. Until then the shards' own buckets throttle what is over their limits with
//     ProvisionedThroughputExceededException, so a jump to more than twice the previous peak is
//     throttled for that delay. One round at a time; a jump beyond the new capacity takes another.
//   - The stream stays ACTIVE while it scales (AWS documents no UPDATING for it), and on-demand
//     shards are never merged back (AWS documents no scale-down rule).
//
// Config.OnDemandTimeScale divides the 30 days and the 15 minutes (not the one-second
// measurement: rates stay per second), so tests and demos see a day's behaviour in seconds.

const (
	onDemandInitialShards = 4 // AWS: a new on-demand stream's 4 MB/s, at 1 MiB/s per shard
	onDemandPeakWindow    = 30 * 24 * time.Hour
	onDemandScaleDelay    = 15 * time.Minute
	onDemandPeakSlots     = 30 // the peak window is kept as 30 slots (a day each, unscaled) of their highest second
)

// onDemandState is an ON_DEMAND stream's capacity model. Guarded by its stream's mutex.
type onDemandState struct {
	e          *Emulator // for the split (shard buckets are sized from the limits)
	peakWindow time.Duration
	delay      time.Duration

	second time.Time // start of the second being measured; zero before the first measurement
	slots  [onDemandPeakSlots]peakSlot

	pending   []*shard // shards to split at scaleAt
	scaleAt   time.Time
	splits    int
	maxShards int
}

// peakSlot holds the highest second of one slot of the peak window.
type peakSlot struct {
	index          int64 // which slot since the epoch; a stale index means empty
	bytes, records int64
}

// newOnDemandState starts the capacity model of a stream that is (or turns) ON_DEMAND at now.
func (e *Emulator) newOnDemandState() *onDemandState {
	scale := e.cfg.OnDemandTimeScale
	l := e.cfg.Limits
	maxShards := max(ceilDiv(l.OnDemandMaxWriteBytesPerSec, l.ShardBytesPerSec), ceilDiv(l.OnDemandMaxWriteRecordsPerSec, l.ShardRecordsPerSec))
	return &onDemandState{
		e:          e,
		peakWindow: time.Duration(float64(onDemandPeakWindow) / scale),
		delay:      time.Duration(float64(onDemandScaleDelay) / scale),
		maxShards:  int(max(maxShards, onDemandInitialShards)),
	}
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// slotIndex is the peak slot that holds t.
func (od *onDemandState) slotIndex(t time.Time) int64 {
	slot := od.peakWindow / onDemandPeakSlots
	if slot <= 0 {
		slot = 1
	}
	return t.UnixNano() / int64(slot)
}

// peak is the highest second of accepted writes in the peak window ending at now.
func (od *onDemandState) peak(now time.Time) (bytes, records int64) {
	cur := od.slotIndex(now)
	for _, p := range od.slots {
		if p.index > cur-onDemandPeakSlots && p.index <= cur {
			bytes, records = max(bytes, p.bytes), max(records, p.records)
		}
	}
	return bytes, records
}

// targetShards is how many shards twice the peak needs, between the initial 4 and the maximum.
func (od *onDemandState) targetShards(now time.Time) int {
	l := od.e.cfg.Limits
	b, r := od.peak(now)
	n := int(max(ceilDiv(2*b, l.ShardBytesPerSec), ceilDiv(2*r, l.ShardRecordsPerSec)))
	return min(max(n, onDemandInitialShards), od.maxShards)
}

// advanceOnDemand applies a due scaling round, then closes the measured second if now is past
// it. Called from stream.advance, so every call that touches the stream (writes first of all)
// brings capacity up to date and a ManualClock drives it exactly. Caller holds s.mu.
func (s *stream) advanceOnDemand(now time.Time) {
	od := s.od
	if od == nil {
		return
	}
	if len(od.pending) > 0 && !now.Before(od.scaleAt) {
		s.applyOnDemandSplits(od.scaleAt)
	}
	sec := now.Truncate(time.Second)
	if od.second.IsZero() {
		od.second = sec
		s.markOnDemand()
		return
	}
	if !sec.After(od.second) {
		return
	}
	s.closeOnDemandSecond(now)
	od.second = sec
}

// markOnDemand remembers every shard's accepted counters: the next second is measured from them.
func (s *stream) markOnDemand() {
	for _, sh := range s.shards {
		sh.odMark = [2]int64{sh.stats.AcceptedBytes, sh.stats.AcceptedRecords}
	}
}

// closeOnDemandSecond measures the second that ended (every write since the last mark lies in
// it: each write advances the stream first), records it in the peak window and, when twice the
// peak needs more shards than are open, schedules the hot shards' split.
func (s *stream) closeOnDemandSecond(now time.Time) {
	od := s.od
	l := od.e.cfg.Limits
	type heat struct {
		sh             *shard
		bytes, records int64
	}
	var total heat
	var hot []heat
	for _, sh := range s.shards {
		h := heat{sh, sh.stats.AcceptedBytes - sh.odMark[0], sh.stats.AcceptedRecords - sh.odMark[1]}
		total.bytes += h.bytes
		total.records += h.records
		if !sh.closed && (2*h.bytes > l.ShardBytesPerSec || 2*h.records > l.ShardRecordsPerSec) && sh.start != sh.end {
			hot = append(hot, h)
		}
	}
	s.markOnDemand()
	idx := od.slotIndex(od.second)
	slot := &od.slots[idx%onDemandPeakSlots]
	if slot.index != idx {
		*slot = peakSlot{index: idx}
	}
	slot.bytes, slot.records = max(slot.bytes, total.bytes), max(slot.records, total.records)

	room := min(od.targetShards(now), od.maxShards) - len(s.open)
	if len(od.pending) > 0 || room <= 0 || len(hot) == 0 {
		return
	}
	// The hottest first, as far as the maximum allows (each split adds one shard).
	sort.SliceStable(hot, func(i, j int) bool {
		return hot[i].bytes*l.ShardRecordsPerSec+hot[i].records*l.ShardBytesPerSec >
			hot[j].bytes*l.ShardRecordsPerSec+hot[j].records*l.ShardBytesPerSec
	})
	for _, h := range hot[:min(len(hot), od.maxShards-len(s.open))] {
		od.pending = append(od.pending, h.sh)
	}
	od.scaleAt = now.Add(od.delay)
	if od.delay == 0 {
		s.applyOnDemandSplits(now)
	}
}

// applyOnDemandSplits splits each pending shard that is still open at its midpoint, with
// SplitShard's own code: the parent closes, two children of equal width open.
func (s *stream) applyOnDemandSplits(at time.Time) {
	od := s.od
	for _, sh := range od.pending {
		if sh.closed {
			continue
		}
		s.split(od.e, sh, hashkey.Range{Start: sh.start, End: sh.end}.Mid(), at)
		od.splits++
	}
	od.pending = nil
	s.reindexOpen()
}

// OnDemandStats is an ON_DEMAND stream's capacity, as the emulator models it.
type OnDemandStats struct {
	// PeakBytesPerSec and PeakRecordsPerSec are the highest second of accepted writes in the
	// peak window (30 days, divided by Config.OnDemandTimeScale).
	PeakBytesPerSec, PeakRecordsPerSec int64
	// WriteBytesPerSec and WriteRecordsPerSec are the capacity now: the open shards' limits.
	WriteBytesPerSec, WriteRecordsPerSec int64
	// TargetShards is what twice the peak needs (at least 4, at most the on-demand maximum).
	TargetShards int
	// PendingSplits shards split at ScalingAt (zero time when none are pending).
	PendingSplits int
	ScalingAt     time.Time
	// Splits counts the shards split by on-demand scaling so far.
	Splits int
}

// onDemandStats reports s's capacity, or nil for a PROVISIONED stream. Caller holds s.mu.
func (s *stream) onDemandStats(now time.Time) *OnDemandStats {
	od := s.od
	if od == nil {
		return nil
	}
	l := od.e.cfg.Limits
	b, r := od.peak(now)
	out := &OnDemandStats{PeakBytesPerSec: b, PeakRecordsPerSec: r,
		WriteBytesPerSec: int64(len(s.open)) * l.ShardBytesPerSec, WriteRecordsPerSec: int64(len(s.open)) * l.ShardRecordsPerSec,
		TargetShards: od.targetShards(now), PendingSplits: len(od.pending), Splits: od.splits}
	if len(od.pending) > 0 {
		out.ScalingAt = od.scaleAt
	}
	return out
}
