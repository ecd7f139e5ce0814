package advisor

import "math"

// Kinesis's 1 KiB rounding (AWS's troubleshooting page for slow producers): the single-record
// PutRecord counts each record's data + partition key rounded up to the next KiB against the
// shard's 1 MiB/s, while PutRecords rounds the sum of each call's records per shard once. The
// arithmetic is here once, for the rules that read a run (putrecord-rounding) and a stream
// watched from outside.

// putRecordBilledBytes is what PutRecord counts a record of size bytes (data + key) as.
func putRecordBilledBytes(size float64) float64 {
	if !(size > 0) {
		return 0
	}
	return math.Ceil(size/1024-1e-9) * 1024
}

// kibRounding is what the rounding costs one shard at a record size.
type kibRounding struct {
	size, billed float64 // bytes per record: sent, and counted by PutRecord
	// wasted is the share of the shard's byte capacity PutRecord spends on rounding (0..1).
	wasted float64
	// putRecordPerShard and putRecordsPerShard are the records/s one shard takes through each
	// API at this size (the 1,000 records/s limit included).
	putRecordPerShard, putRecordsPerShard float64
}

func roundingAt(size float64) kibRounding {
	billed := putRecordBilledBytes(size)
	r := kibRounding{size: size, billed: billed}
	if billed <= 0 {
		return r
	}
	r.wasted = 1 - size/billed
	r.putRecordPerShard = math.Min(shardRecordsPerSec, shardBytesPerSec/billed)
	r.putRecordsPerShard = math.Min(shardRecordsPerSec, shardBytesPerSec/size)
	return r
}
