package advisor

// kibRounding is what PutRecord's 1 KiB rounding costs one shard at a record size (data +
// key), for the rule that reads a run (putrecord-rounding); the arithmetic is roundUpKiB and
// shardRecordsAt (outside_putrecord_rounding.go), shared with the rule that reads a stream
// watched from outside.
type kibRounding struct {
	size, billed float64 // bytes per record: sent, and counted by PutRecord
	// wasted is the share of the shard's byte capacity PutRecord spends on rounding (0..1).
	wasted float64
	// putRecordPerShard and putRecordsPerShard are the records/s one shard takes through each
	// API at this size (the 1,000 records/s limit included).
	putRecordPerShard, putRecordsPerShard float64
}

func roundingAt(size float64) kibRounding {
	if !(size > 0) {
		return kibRounding{}
	}
	billed := roundUpKiB(size)
	return kibRounding{size: size, billed: billed, wasted: 1 - size/billed,
		putRecordPerShard: shardRecordsAt(billed), putRecordsPerShard: shardRecordsAt(size)}
}
