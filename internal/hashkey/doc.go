// Package hashkey is the one 128-bit Kinesis hash key and the one MD5 routing of the project:
// a partition key's hash key, ExplicitHashKey parsing and printing, and shard ranges. The
// emulator, the producer, the workload and the dashboard all route with it, so a record is
// predicted to land where the emulator (and Kinesis) puts it.
//
// It is a shared leaf: it imports nothing of the module, so emulator and producer may import
// it (internal/archtest holds that rule). The emulator's KPL record counter is deliberately not
// built on anything shared with the producer; see emulator/kpl_count.go.
package hashkey
