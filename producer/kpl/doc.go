// Package kpl encodes and decodes the Kinesis Producer Library's aggregated record format: many
// user records packed into one Kinesis record, so that a shard's limit of 1000 records/s stops
// being the bottleneck long before its 1 MiB/s.
//
// # Format
//
// An aggregated record is
//
//	F3 89 9A C2                   4 magic bytes (MagicLen)
//	AggregatedRecord              a proto2 message, below
//	MD5(AggregatedRecord bytes)   16 bytes (ChecksumLen)
//
// with
//
//	message AggregatedRecord {
//	  repeated string partition_key_table     = 1;
//	  repeated string explicit_hash_key_table = 2;
//	  repeated Record records                 = 3;
//	}
//	message Record {
//	  required uint64 partition_key_index     = 1;
//	  optional uint64 explicit_hash_key_index = 2;
//	  required bytes  data                    = 3;
//	  repeated Tag    tags                    = 4;
//	}
//	message Tag {
//	  required string key   = 1;
//	  optional string value = 2;
//	}
//
// Each distinct partition key (and explicit hash key) appears once in its table, in order of
// first use; records refer to it by index.
//
// # Why hand-written, and why canonical order
//
// The protobuf wire format needed here is tiny (varints and length-delimited fields), and
// writing it by hand lets the Aggregator answer "how big would the aggregate be with this
// record?" exactly, in O(1), with no allocation: the producer asks that for every user record.
//
// Protobuf allows fields in any order, but the encoder writes every field 1 entry, then every
// field 2 entry, then the records, each record's fields in number order: the bytes a protobuf
// library (and so the KPL) serializes for the same message. Deaggregators written against KPL
// output, including hand-rolled ones that read the tables before the records, therefore accept
// ours. The decoder here accepts any order, as protobuf parsers do.
//
// # Deaggregation rules
//
// Deaggregate follows the KCL: data is aggregated only if it starts with the magic, is longer
// than MagicLen+ChecksumLen, and ends with the MD5 of the bytes in between; anything else,
// including a bad checksum, is one plain record. Where this package differs from the KCL, it
// says so on Deaggregate.
package kpl
