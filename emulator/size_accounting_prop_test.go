package emulator

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"pgregory.net/rapid"
)

// For random record sizes, shards and splits into PutRecord and PutRecords calls, on a clock
// that does not move (so no refill blurs the sums), every record's fate and every shard's bytes
// bucket follow the rule's arithmetic, written out here on its own: a record costs its size
// (raw), or the call's accepted sum on its shard rounded up to the next KiB less what the call
// already paid there (rounded; PutRecord is a call of one). A record is accepted exactly when the
// bucket holds its cost, and the bucket ends exactly that much lower.
func TestSizeAccountingChargesTheRulesArithmetic(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		acct := rapid.SampledFrom([]SizeAccounting{SizeRounded, SizeRaw}).Draw(rt, "accounting")
		nShards := rapid.IntRange(1, 3).Draw(rt, "shards")
		burst := rapid.Int64Range(2*kib, 64*kib).Draw(rt, "bytes burst")
		env := newInMemEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: nShards}},
			Limits: Limits{SizeAccounting: acct, ShardBytesBurst: burst, ShardRecordsBurst: 100_000, ShardRecordsPerSec: 100_000}})
		shards := must(env.kin.ListShards(env.ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")}))(t).Shards

		level := make([]int64, nShards) // the model's bucket levels
		for i := range level {
			level[i] = burst
		}
		type record struct{ shard, size int }
		calls := rapid.IntRange(1, 8).Draw(rt, "calls")
		for c := range calls {
			single := rapid.Bool().Draw(rt, fmt.Sprint("call ", c, " is PutRecord"))
			n := 1
			if !single {
				n = rapid.IntRange(1, 40).Draw(rt, fmt.Sprint("call ", c, " records"))
			}
			recs := make([]record, n)
			for i := range recs {
				recs[i] = record{rapid.IntRange(0, nShards-1).Draw(rt, "shard"), rapid.IntRange(2, 3000).Draw(rt, "bytes")}
			}
			accepted := make([]bool, n)
			if single {
				r := recs[0]
				_, err := env.kin.PutRecord(env.ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"),
					ExplicitHashKey: shards[r.shard].HashKeyRange.StartingHashKey, Data: make([]byte, r.size-1)})
				if code := apiCode(err); code != "" && code != "ProvisionedThroughputExceededException" {
					rt.Fatalf("PutRecord: %v", err)
				}
				accepted[0] = err == nil
			} else {
				entries := make([]types.PutRecordsRequestEntry, n)
				for i, r := range recs {
					entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"),
						ExplicitHashKey: shards[r.shard].HashKeyRange.StartingHashKey, Data: make([]byte, r.size-1)}
				}
				out := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries}))(t)
				for i, e := range out.Records {
					accepted[i] = e.ErrorCode == nil
				}
			}
			// The rule, for this call.
			sent := make([]int64, nShards)
			paid := make([]int64, nShards)
			for i, r := range recs {
				size := int64(r.size)
				cost := size
				if acct == SizeRounded {
					cost = (sent[r.shard]+size+1023)/1024*1024 - paid[r.shard]
				}
				fits := cost <= level[r.shard]
				if accepted[i] != fits {
					rt.Fatalf("call %d record %d (%d bytes, shard %d): accepted %v, but it costs %d of the %d left", c, i, size, r.shard, accepted[i], cost, level[r.shard])
				}
				if fits {
					level[r.shard] -= cost
					sent[r.shard] += size
					paid[r.shard] += cost
				}
			}
		}
		st, _ := env.emu.StreamStats("s")
		e := env.emu
		e.mu.Lock()
		s := e.streams["s"]
		e.mu.Unlock()
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, sh := range s.shards {
			if got := sh.writeBytes.tokens(env.clock.Now()); got != level[i] {
				rt.Fatalf("shard %d: bytes bucket at %d, want %d", i, got, level[i])
			}
			if charged := st.Shards[i].ChargedBytes; charged != burst-level[i] {
				rt.Fatalf("shard %d: ChargedBytes %d, want %d", i, charged, burst-level[i])
			}
			if acct == SizeRaw && st.Shards[i].ChargedBytes != st.Shards[i].AcceptedBytes {
				rt.Fatalf("shard %d raw: charged %d, accepted %d bytes", i, st.Shards[i].ChargedBytes, st.Shards[i].AcceptedBytes)
			}
		}
	})
}
