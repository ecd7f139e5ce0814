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
}

type shardTally struct {
	id                        string
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
	// Requests touch few shards; a linear scan beats a map here.
	var st *shardTally
	for i := range t.shards {
		if t.shards[i].id == sh.id {
			st = &t.shards[i]
			break
		}
	}
	if st == nil {
		t.shards = append(t.shards, shardTally{id: sh.id})
		st = &t.shards[len(t.shards)-1]
	}
	switch o {
	case writeAccepted:
		st.records++
		st.bytes += size
	case writeThrottled:
		st.throttled++
	}
}

func (t *writeTally) streamDims() []Dimension { return []Dimension{{"StreamName", t.stream}} }

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
	dims, at, m := t.streamDims(), req.now, e.metrics
	m.record(kinesisNamespace, "PutRecords.TotalRecords", dims, "Count", at, float64(t.total))
	m.record(kinesisNamespace, "PutRecords.SuccessfulRecords", dims, "Count", at, float64(t.accepted))
	m.record(kinesisNamespace, "PutRecords.Records", dims, "Count", at, float64(t.accepted))
	m.record(kinesisNamespace, "PutRecords.FailedRecords", dims, "Count", at, float64(t.failed))
	m.record(kinesisNamespace, "PutRecords.ThrottledRecords", dims, "Count", at, float64(t.throttled))
	m.record(kinesisNamespace, "PutRecords.Bytes", dims, "Bytes", at, float64(t.bytes))
	m.record(kinesisNamespace, "PutRecords.Success", dims, "Count", at, boolSample(t.accepted > 0))
	m.record(kinesisNamespace, "PutRecords.Latency", dims, "Milliseconds", at, latencyMillis(req))
	t.recordCommon(e, at)
}

func (t *writeTally) recordPutRecord(e *Emulator, req request) {
	dims, at, m := t.streamDims(), req.now, e.metrics
	m.record(kinesisNamespace, "PutRecord.Bytes", dims, "Bytes", at, float64(t.bytes))
	m.record(kinesisNamespace, "PutRecord.Success", dims, "Count", at, boolSample(t.accepted > 0))
	m.record(kinesisNamespace, "PutRecord.Latency", dims, "Milliseconds", at, latencyMillis(req))
	t.recordCommon(e, at)
}

// recordCommon records the metrics PutRecord and PutRecords share, stream and shard level.
func (t *writeTally) recordCommon(e *Emulator, at time.Time) {
	dims, m := t.streamDims(), e.metrics
	m.record(kinesisNamespace, "IncomingBytes", dims, "Bytes", at, float64(t.bytes))
	m.record(kinesisNamespace, "IncomingRecords", dims, "Count", at, float64(t.accepted))
	m.record(kinesisNamespace, "WriteProvisionedThroughputExceeded", dims, "Count", at, float64(t.throttled))
	for _, st := range t.shards {
		sd := []Dimension{{"StreamName", t.stream}, {"ShardId", st.id}}
		if t.enhanced["IncomingBytes"] {
			m.record(kinesisNamespace, "IncomingBytes", sd, "Bytes", at, float64(st.bytes))
		}
		if t.enhanced["IncomingRecords"] {
			m.record(kinesisNamespace, "IncomingRecords", sd, "Count", at, float64(st.records))
		}
		if t.enhanced["WriteProvisionedThroughputExceeded"] {
			m.record(kinesisNamespace, "WriteProvisionedThroughputExceeded", sd, "Count", at, float64(st.throttled))
		}
	}
}
