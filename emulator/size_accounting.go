package emulator

import "errors"

// How a write counts against its shard's bytes bucket. AWS's troubleshooting page for producers
// ("Troubleshooting Amazon Kinesis Data Streams Producers", "Service Limits Exceeded", Kinesis
// Developer Guide, https://docs.aws.amazon.com/streams/latest/dev/troubleshooting-producers.html)
// documents the rule: "round up to the nearest
// kilobyte for throughput throttling calculations when using the single-record operation
// PutRecord, while the multi-record operation PutRecords rounds on the cumulative sum of the
// records in each call. For example, a PutRecords request with 600 records that are 1.1 KB in
// size will not get throttled."
//
// Read here as: a kilobyte is 1 KiB (1024 bytes, the unit of the 1 MiB/s limit), a record's
// size is its data + partition key (what the bytes limit counts), and PutRecords' "cumulative
// sum" is per shard (each shard has its own bucket). The page's 600-record example cannot be one
// call (PutRecords takes at most 500 records); two calls of 300 show the same thing.
//
// CloudWatch's IncomingBytes and the PutRecord(s).Bytes metrics report the bytes sent, whatever
// the accounting: the rounding is a throttling rule, not a change to what was stored.

// SizeAccounting is how a write's size is charged to its shard's bytes bucket.
type SizeAccounting string

const (
	// SizeRounded is AWS's rule (the default): PutRecord charges each record rounded up to the
	// next KiB, PutRecords charges the call's records on each shard as one sum rounded up once.
	SizeRounded SizeAccounting = "rounded"
	// SizeRaw charges the bytes sent, to the byte, whatever the operation.
	SizeRaw SizeAccounting = "raw"
)

// sizeAccountingWant is the refusal of any other value, for a flag and a Config field alike.
const sizeAccountingWant = "want rounded (AWS's 1 KiB rounding rule) or raw"

// ParseSizeAccounting reads "rounded" or "raw".
func ParseSizeAccounting(s string) (SizeAccounting, error) {
	switch a := SizeAccounting(s); a {
	case SizeRounded, SizeRaw:
		return a, nil
	}
	return "", errors.New(sizeAccountingWant)
}

// roundUpKiB rounds n bytes up to a whole number of KiB, in bytes.
func roundUpKiB(n int64) int64 { return (n + kib - 1) / kib * kib }

// callCharge is what one write call has charged one shard so far: the bytes of its records
// accepted there and the bucket tokens they cost. Kept on the shard and stamped with the call,
// so a 500-record call over thousands of shards needs no map of its own.
type callCharge struct {
	call    uint64 // the stream's write call it belongs to (stream.writeSeq)
	sent    int64  // data + partition key bytes accepted on this shard in the call
	charged int64  // tokens taken from the shard's bytes bucket for them
}

// chargeFor returns what accepting a record of size bytes in write call `call` costs sh's bytes
// bucket: under the rounded rule, the call's sum on this shard rounded up, less what the call
// has already paid (0 when the record fits in a KiB already paid for). PutRecord is a call of
// one record, so it pays its own size rounded up. Caller holds the stream's mutex.
func (sh *shard) chargeFor(acct SizeAccounting, call uint64, size int64) int64 {
	if acct == SizeRaw {
		return size
	}
	c := sh.charge
	if c.call != call {
		c = callCharge{}
	}
	return roundUpKiB(c.sent+size) - c.charged
}

// charged records that a record of size bytes was accepted in call at cost tokens.
func (sh *shard) charged(call uint64, size, cost int64) {
	if sh.charge.call != call {
		sh.charge = callCharge{call: call}
	}
	sh.charge.sent += size
	sh.charge.charged += cost
	sh.stats.ChargedBytes += cost
}
