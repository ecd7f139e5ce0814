package emulator

import "sort"

// ShardStats are one shard's counters since it opened: the emulator's ground truth, which tests
// and benchmarks compare a producer's own accounting against.
type ShardStats struct {
	ShardID         string
	Open            bool
	AcceptedRecords int64 // records stored
	AcceptedBytes   int64 // data + partition key bytes stored
	// ChargedBytes is what those records cost the shard's bytes bucket: AcceptedBytes under
	// SizeRaw, more under SizeRounded (AWS's 1 KiB rounding, size_accounting.go).
	ChargedBytes int64
	// AcceptedUserRecords counts the user records in the records stored: the sub-records of
	// each valid KPL aggregated record (as a consumer deaggregates them), 1 for any other
	// record. AcceptedUserBytes sums their data + partition key bytes.
	AcceptedUserRecords int64
	AcceptedUserBytes   int64
	ThrottledRecords    int64 // refused with ProvisionedThroughputExceededException
	ThrottledBytes      int64 // their data + partition key bytes
	InternalFailures    int64 // refused with an injected InternalFailure
	ReadRecords         int64
	ReadBytes           int64
	ReadThrottles       int64
}

// StreamStats are a stream's counters: per shard (by index) and in total.
type StreamStats struct {
	Name   string
	Status string
	Shards []ShardStats
	Total  ShardStats // sums over all shards; ShardID and Open unset
	// PutRecordsRequests and PutRecordRequests count the write requests that reached the
	// stream (valid requests to an existing, writable stream), whatever their records' fate.
	PutRecordsRequests int64
	PutRecordRequests  int64
	// OnDemand is an ON_DEMAND stream's capacity (nil for a PROVISIONED stream): its peak, what
	// its open shards take now, and the scaling under way.
	OnDemand *OnDemandStats
}

// FaultStats count requests answered by injected faults or account-level limits.
type FaultStats struct {
	ServerErrors  int64            // injected 500/503 answers
	KMSDenied     int64            // writes refused with KMSAccessDeniedException
	LimitExceeded map[string]int64 // LimitExceededException by operation (injected or real)
	// ResetsBeforeEffect and ResetsAfterEffect count the connections broken by ResetRate: before
	// the request took effect (nothing done) and after (done, unanswered).
	ResetsBeforeEffect int64
	ResetsAfterEffect  int64
	BlackHoled         int64 // Kinesis requests swallowed by the black hole
}

// StreamStats returns the counters of a stream, or false if there is no such stream.
func (e *Emulator) StreamStats(name string) (StreamStats, bool) {
	e.mu.Lock()
	s := e.streams[name]
	e.mu.Unlock()
	if s == nil {
		return StreamStats{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := e.clock.Now()
	s.advance(now)
	out := StreamStats{Name: s.name, Status: s.status,
		PutRecordsRequests: s.writeCalls.putRecords, PutRecordRequests: s.writeCalls.putRecord, OnDemand: s.onDemandStats(now)}
	for _, sh := range s.shards {
		st := sh.stats
		st.ShardID, st.Open = sh.id, !sh.closed
		out.Shards = append(out.Shards, st)
		t := &out.Total
		t.AcceptedRecords += st.AcceptedRecords
		t.AcceptedBytes += st.AcceptedBytes
		t.ChargedBytes += st.ChargedBytes
		t.AcceptedUserRecords += st.AcceptedUserRecords
		t.AcceptedUserBytes += st.AcceptedUserBytes
		t.ThrottledRecords += st.ThrottledRecords
		t.ThrottledBytes += st.ThrottledBytes
		t.InternalFailures += st.InternalFailures
		t.ReadRecords += st.ReadRecords
		t.ReadBytes += st.ReadBytes
		t.ReadThrottles += st.ReadThrottles
	}
	return out, true
}

// StreamNames lists the streams, sorted.
func (e *Emulator) StreamNames() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	names := make([]string, 0, len(e.streams))
	for n := range e.streams {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FaultStats returns the fault counters.
func (e *Emulator) FaultStats() FaultStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.faultStats
	out.LimitExceeded = make(map[string]int64, len(e.faultStats.LimitExceeded))
	for k, v := range e.faultStats.LimitExceeded {
		out.LimitExceeded[k] = v
	}
	return out
}

func (e *Emulator) countInjected(op string, err *apiError) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err.Type == "LimitExceededException" {
		e.countLimitExceededLocked(op)
		return
	}
	e.faultStats.ServerErrors++
}

func (e *Emulator) countFault(count func(*FaultStats)) {
	e.mu.Lock()
	count(&e.faultStats)
	e.mu.Unlock()
}

func (e *Emulator) countKMSDenied() {
	e.mu.Lock()
	e.faultStats.KMSDenied++
	e.mu.Unlock()
}

func (e *Emulator) countLimitExceeded(op string) {
	e.mu.Lock()
	e.countLimitExceededLocked(op)
	e.mu.Unlock()
}

func (e *Emulator) countLimitExceededLocked(op string) {
	if e.faultStats.LimitExceeded == nil {
		e.faultStats.LimitExceeded = map[string]int64{}
	}
	e.faultStats.LimitExceeded[op]++
}
