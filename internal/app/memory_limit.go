package app

import (
	"github.com/shardstorm/shardstorm/internal/memlimit"
	"github.com/shardstorm/shardstorm/producer"
)

// MemoryLimit is the soft memory limit `shardstorm run` gives its process (memlimit.Apply), and
// whether it gives one. Under sustained overload the producer's buffer stays full, and the
// garbage collector's default headroom (GOGC=100) lets the heap grow to twice what is live; a
// limit of MaxBufferedBytes + memlimit.Headroom keeps the process near what it holds.
//
// Only for shardstorm's engine (either profile) writing to AWS or an endpoint, where the
// process is mostly the producer's buffer: with the embedded emulator, the records it stores
// (up to 64 MiB a shard) share the heap, and a limit derived from the producer's buffer would
// keep the collector running; a fleet of simple clients holds its records otherwise.
func MemoryLimit(o Options) (int64, bool) {
	if o.Backend() == "local" || IsFleetProfile(o.profile()) {
		return 0, false
	}
	buffered := o.Producer.MaxBufferedBytes
	if buffered == 0 {
		buffered = producer.DefaultMaxBufferedBytes
	}
	return memlimit.ForBuffer(buffered), true
}
