package recordsample

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/shardstorm/shardstorm/metrics"
)

// segmentsPerWindow: keys, distinct keys and sizes are kept per quarter of the window (by
// arrival time), as metrics.HotKeys keeps a current and a previous window, so old arrivals can
// be dropped from sketches that cannot subtract. The figures then cover between the window and
// a quarter more.
const segmentsPerWindow = 4

// maxUserRecordBytes bounds the sizes histogram: 1 MiB of data and a 256-byte key.
const maxUserRecordBytes = 1<<20 + 256

// second is one second's arrivals on a shard (Kinesis records, and the bytes its write limit
// counts: data + partition key).
type second struct {
	records, bytes, aggregated, users int64
}

// shardSegment is a shard's keys over one window segment.
type shardSegment struct {
	keys     *metrics.KeySketch
	distinct *distinctKeys
}

// streamSegment is the stream-wide keys and user record sizes over one window segment.
type streamSegment struct {
	distinct *distinctKeys
	sizes    *hdrhistogram.Histogram
	maxSize  int64 // exact (the histogram rounds)
}

// span is a stretch of time a shard was read in full (to zero: still reading).
type span struct{ from, to time.Time }

// shardCounts is what the sample knows of one shard over the window.
type shardCounts struct {
	seconds map[int64]*second       // by Unix second of arrival
	segs    map[int64]*shardSegment // by segment index of arrival
	spans   []span
}

func newShardCounts() *shardCounts {
	return &shardCounts{seconds: map[int64]*second{}, segs: map[int64]*shardSegment{}}
}

func (c *shardCounts) segment(i int64, topK int) *shardSegment {
	seg := c.segs[i]
	if seg == nil {
		seg = &shardSegment{keys: metrics.NewKeySketch(max(metrics.DefaultHotKeysK, 4*topK)), distinct: newDistinctKeys()}
		c.segs[i] = seg
	}
	return seg
}

func (c *shardCounts) second(t time.Time) *second {
	sec := c.seconds[t.Unix()]
	if sec == nil {
		sec = &second{}
		c.seconds[t.Unix()] = sec
	}
	return sec
}

// startSpan and endSpan mark when the shard is read in full.
func (c *shardCounts) startSpan(t time.Time) {
	if n := len(c.spans); n == 0 || !c.spans[n-1].to.IsZero() {
		c.spans = append(c.spans, span{from: t})
	}
}

func (c *shardCounts) endSpan(t time.Time) {
	if n := len(c.spans); n > 0 && c.spans[n-1].to.IsZero() {
		c.spans[n-1].to = later(t, c.spans[n-1].from)
	}
}

// covered is how long the shard was read within [since, now].
func (c *shardCounts) covered(since, now time.Time) time.Duration {
	var d time.Duration
	for _, sp := range c.spans {
		to := sp.to
		if to.IsZero() {
			to = now
		}
		if from := later(sp.from, since); to.After(from) {
			d += to.Sub(from)
		}
	}
	return d
}

// prune drops what lies before since; it reports whether anything of the shard is left.
func (c *shardCounts) prune(since time.Time, segLen time.Duration) bool {
	for s := range c.seconds {
		if s < since.Unix() {
			delete(c.seconds, s)
		}
	}
	for i := range c.segs {
		if segmentEnd(i, segLen).Before(since) || segmentEnd(i, segLen).Equal(since) {
			delete(c.segs, i)
		}
	}
	kept := c.spans[:0]
	for _, sp := range c.spans {
		if sp.to.IsZero() || sp.to.After(since) {
			kept = append(kept, sp)
		}
	}
	c.spans = kept
	return len(c.spans) > 0 || len(c.seconds) > 0
}

func segmentIndex(t time.Time, segLen time.Duration) int64 { return t.UnixNano() / int64(segLen) }

func segmentEnd(i int64, segLen time.Duration) time.Time { return time.Unix(0, (i+1)*int64(segLen)) }

func newStreamSegment() *streamSegment {
	return &streamSegment{distinct: newDistinctKeys(), sizes: hdrhistogram.New(1, maxUserRecordBytes, 2)}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
