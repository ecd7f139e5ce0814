// Package memlimit gives a process whose memory is mostly a producer's buffer a soft memory limit
// derived from that buffer's bound, so that the garbage collector's headroom does not double it.
//
// A library must not set process-wide GC settings, so the producer package does not: the
// commands (shardstorm run, the bench's contender processes) call Apply.
package memlimit

import (
	"os"
	"runtime/debug"
)

// Headroom is what the limit allows beyond the buffered bytes: the producer's per-record state
// (up to ~30 MiB at 100,000 small records), the requests in flight (bounded by the producer's
// MaxRequestBytesInFlight), the SDK, and the collector's room to work. The process's resident
// memory is the limit and the binary's own pages (about 6 MiB for the bench's contender): 48 MiB
// keeps it within MaxBufferedBytes + 64 MiB with some margin (overload/shardstorm peak RSS
// 118-119 MiB; with 56 MiB, 124-127 MiB).
const Headroom = 48 << 20

// ForBuffer is the soft memory limit for a process holding up to maxBufferedBytes of records.
func ForBuffer(maxBufferedBytes int64) int64 { return maxBufferedBytes + Headroom }

// Apply sets limit as the runtime's soft memory limit unless the user set GOMEMLIMIT, which
// wins. It reports whether it set it.
func Apply(limit int64) bool {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); ok {
		return false
	}
	debug.SetMemoryLimit(limit)
	return true
}
