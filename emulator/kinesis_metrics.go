package emulator

import "time"

// The CloudWatch metrics Kinesis publishes (namespace AWS/Kinesis), computed from what the
// emulator really served: one sample per API call, shard-level ones only while enhanced
// monitoring is on for them.

const kinesisNamespace = "AWS/Kinesis"

// shardLevelMetrics are the metrics EnableEnhancedMonitoring turns on.
var shardLevelMetrics = []string{
	"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
}

// writeTally adds up one write call's outcome, stream-wide and per shard touched, so the metrics
// are recorded after the stream's lock is released.
type writeTally struct {
	stream    string
	enhanced  map[string]bool
	total     int64
	accepted  int64
	bytes     int64
	throttled int64
	failed    int64
	shards    []shardTally
	byIndex   map[int]int // shard index → position in shards, once more than linearTallies
}

// linearTallies is how many shards a tally scans before it indexes them: a request to a small
// stream touches few shards and a scan beats a map, but a 500-record request spread over 10,000
// shards touches ~490, and scanning for each record would cost ~120,000 comparisons a request.
const linearTallies = 16

// shardTally finds (or starts) sh's tally.
func (t *writeTally) shardTally(sh *shard) *shardTally {
	if t.byIndex != nil {
		if i, ok := t.byIndex[sh.index]; ok {
			return &t.shards[i]
		}
	} else {
		for i := range t.shards {
			if t.shards[i].id == sh.id {
				return &t.shards[i]
			}
		}
		if len(t.shards) == linearTallies {
			t.byIndex = make(map[int]int, 4*linearTallies)
			for i := range t.shards {
				t.byIndex[t.shards[i].index] = i
			}
		}
	}
	if t.byIndex != nil {
		t.byIndex[sh.index] = len(t.shards)
	}
	t.shards = append(t.shards, shardTally{id: sh.id, index: sh.index})
	return &t.shards[len(t.shards)-1]
}

type shardTally struct {
	id                        string
	index                     int
	records, bytes, throttled int64
}

// newWriteTally snapshots what the metrics need from s. Caller holds s.mu.
func newWriteTally(s *stream) *writeTally {
	t := &writeTally{stream: s.name}
	if len(s.enhanced) > 0 {
		t.enhanced = make(map[string]bool, len(s.enhanced))
		for k, v := range s.enhanced {
			t.enhanced[k] = v
		}
	}
	return t
}

func (t *writeTally) add(sh *shard, o writeOutcome, size int64) {
	t.total++
	switch o {
	case writeAccepted:
		t.accepted++
		t.bytes += size
	case writeThrottled:
		t.throttled++
	case writeInternalFailure:
		t.failed++
	}
	if t.enhanced == nil {
		return
	}
	st := t.shardTally(sh)
	switch o {
	case writeAccepted:
		st.records++
		st.bytes += size
	case writeThrottled:
		st.throttled++
	}
}

func (t *writeTally) streamDims() []Dimension { return []Dimension{{"StreamName", t.stream}} }

// sampleBatch collects one call's AWS/Kinesis samples so they are stored under one lock.
type sampleBatch struct {
	at      time.Time
	samples []metricSample
}

func (b *sampleBatch) add(name string, dims []Dimension, unit string, v float64) {
	b.samples = append(b.samples, metricSample{namespace: kinesisNamespace, name: name, unit: unit, dims: dims, at: b.at,
		stats: secondStats{sum: v, count: 1, min: v, max: v}})
}

func (b *sampleBatch) store(m *metricStore) { m.add(b.samples, b.at) }

func latencyMillis(req request) float64 {
	return float64(time.Since(req.received)) / float64(time.Millisecond)
}

func boolSample(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (t *writeTally) recordPutRecords(e *Emulator, req request) {
	b := &sampleBatch{at: req.now, samples: make([]metricSample, 0, 11+3*len(t.shards))}
	dims := t.streamDims()
	b.add("PutRecords.TotalRecords", dims, "Count", float64(t.total))
	b.add("PutRecords.SuccessfulRecords", dims, "Count", float64(t.accepted))
	b.add("PutRecords.Records", dims, "Count", float64(t.accepted))
	b.add("PutRecords.FailedRecords", dims, "Count", float64(t.failed))
	b.add("PutRecords.ThrottledRecords", dims, "Count", float64(t.throttled))
	b.add("PutRecords.Bytes", dims, "Bytes", float64(t.bytes))
	b.add("PutRecords.Success", dims, "Count", boolSample(t.accepted > 0))
	b.add("PutRecords.Latency", dims, "Milliseconds", latencyMillis(req))
	t.addCommon(b)
	b.store(e.metrics)
}

func (t *writeTally) recordPutRecord(e *Emulator, req request) {
	b := &sampleBatch{at: req.now, samples: make([]metricSample, 0, 9)}
	dims := t.streamDims()
	b.add("PutRecord.Bytes", dims, "Bytes", float64(t.bytes))
	b.add("PutRecord.Success", dims, "Count", boolSample(t.accepted > 0))
	b.add("PutRecord.Latency", dims, "Milliseconds", latencyMillis(req))
	t.addCommon(b)
	b.store(e.metrics)
}

// addCommon adds the metrics PutRecord and PutRecords share, stream and shard level.
func (t *writeTally) addCommon(b *sampleBatch) {
	dims := t.streamDims()
	b.add("IncomingBytes", dims, "Bytes", float64(t.bytes))
	b.add("IncomingRecords", dims, "Count", float64(t.accepted))
	b.add("WriteProvisionedThroughputExceeded", dims, "Count", float64(t.throttled))
	for _, st := range t.shards {
		sd := []Dimension{{"StreamName", t.stream}, {"ShardId", st.id}}
		if t.enhanced["IncomingBytes"] {
			b.add("IncomingBytes", sd, "Bytes", float64(st.bytes))
		}
		if t.enhanced["IncomingRecords"] {
			b.add("IncomingRecords", sd, "Count", float64(st.records))
		}
		if t.enhanced["WriteProvisionedThroughputExceeded"] {
			b.add("WriteProvisionedThroughputExceeded", sd, "Count", float64(st.throttled))
		}
	}
}
