package emulator

import (
	"fmt"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// shard is one shard of a stream: its hash key range and lineage, its write and read buckets,
// and the records it retains for GetRecords. Guarded by its stream's mutex.
type shard struct {
	id               string
	index            int
	start, end       hashkey.Key
	parentID         string
	adjacentParentID string
	prefix           string // sequence number prefix
	startingCounter  uint64
	endingCounter    uint64 // valid once closed
	closed           bool
	createdAt        time.Time
	closedAt         time.Time

	writeBytes   tokenBucket
	writeRecords tokenBucket
	readBytes    tokenBucket
	readCalls    tokenBucket
	iterCalls    tokenBucket // GetShardIterator, 5/s per open shard
	charge       callCharge  // what the current write call has charged writeBytes (size_accounting.go)

	log      []storedRecord // oldest first, from head on
	head     int
	logBytes int64

	stats ShardStats
	// odMark is stats' AcceptedBytes and AcceptedRecords when the on-demand second being
	// measured began (ondemand.go).
	odMark [2]int64
}

type storedRecord struct {
	counter uint64
	key     string
	data    []byte
	arrival time.Time
	ehk     string
}

func shardID(index int) string { return fmt.Sprintf("shardId-%012d", index) }

// retained returns the live part of the log.
func (sh *shard) retained() []storedRecord { return sh.log[sh.head:] }

// appendRecord stores an accepted record and trims the log to the retention bounds.
func (sh *shard) appendRecord(r storedRecord, maxRecords int, maxBytes int64) {
	sh.log = append(sh.log, r)
	sh.logBytes += int64(len(r.data) + len(r.key))
	for len(sh.log)-sh.head > maxRecords || (sh.logBytes > maxBytes && len(sh.log)-sh.head > 1) {
		old := &sh.log[sh.head]
		sh.logBytes -= int64(len(old.data) + len(old.key))
		*old = storedRecord{} // let the data be collected
		sh.head++
	}
	// Compact once the dead prefix dominates, so memory stays proportional to what is retained.
	if sh.head > 1024 && sh.head*2 > len(sh.log) {
		n := copy(sh.log, sh.log[sh.head:])
		clear(sh.log[n:])
		sh.log = sh.log[:n]
		sh.head = 0
	}
}

// lastCounter is the counter of the newest retained record, or the shard's starting counter.
func (sh *shard) lastCounter() uint64 {
	if live := sh.retained(); len(live) > 0 {
		return live[len(live)-1].counter
	}
	return sh.startingCounter
}

func (sh *shard) contains(h hashkey.Key) bool { return sh.start.Cmp(h) <= 0 && h.Cmp(sh.end) <= 0 }
