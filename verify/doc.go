// Package verify reads a stream back after a load and checks the run against it, record for
// record: which records the stream holds once, more than once or not at all, against what the
// producer said about each (acknowledged, maybe stored, not stored, never sent).
//
// # The envelope
//
// With verification on, every record's payload starts with a fixed-size ASCII envelope of
// EnvelopeLen (27) bytes naming the run and the record's sequence number in the run:
//
//	ssv1 <run id: 8 lowercase hex digits> <sequence number: 12 decimal digits, zero-padded>\n
//
// for example "ssv1 0f3a9c2e 000000001234\n". The user's payload follows it unchanged; a consumer
// strips the first 27 bytes of a record that starts with "ssv1 ". Sequence numbers count from 0
// in the order records are handed to the producer. Records without a valid envelope of the run
// being checked (another producer's, another run's) are ignored.
//
// # The parts
//
//   - Ledger: what the producer said about each sequence number, one byte per record.
//   - Reader: lists every shard of the stream (closed ones included), reads each from the run's
//     start to its end within GetRecords' limits, deaggregates KPL aggregates and applies the
//     KCL's rule (an aggregate holding a sub-record whose hash key lies outside the storing
//     shard's range is dropped whole by a KCL consumer: AggregatorUtil.deaggregate drops the
//     sub-records before that one too), and tallies the copies of each record of the run it finds.
//   - Check: compares the ledger with the tally and returns a Report in which every ledger entry
//     falls in exactly one bucket.
//
// The package does not import the producer: it reads what any Kinesis producer wrote, and the
// caller maps its producer's outcomes to Outcome.
package verify
