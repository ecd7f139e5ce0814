package producer_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/internal/sdktest"
	"github.com/shardstorm/shardstorm/producer/kpl"
)

// startEmulator serves an emulator (see fastReads) on a loopback socket for a test and returns
// a real SDK client for it.
func startEmulator(t testing.TB, cfg emulator.Config) (*emulator.Server, *kinesis.Client) {
	t.Helper()
	srv, err := emulator.Listen("127.0.0.1:0", fastReads(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, newClient(srv.URL)
}

// startInProcess is startEmulator without a socket: the client reaches the emulator through
// emulator.InMemTransport, so the test can run client, producer and emulator together in a
// testing/synctest bubble, on virtual time.
func startInProcess(t testing.TB, cfg emulator.Config) (*emulator.Emulator, *kinesis.Client) {
	t.Helper()
	e, err := emulator.New(fastReads(cfg))
	if err != nil {
		t.Fatal(err)
	}
	return e, sdktest.Kinesis("http://emulator.in-process", 0, emulator.InMemTransport{Handler: e})
}

// fastReads makes reads fast (tests read everything back); writes keep AWS's limits unless cfg
// changes them.
func fastReads(cfg emulator.Config) emulator.Config {
	if cfg.Limits.GetRecordsPerShard == 0 {
		cfg.Limits.GetRecordsPerShard = 1000
	}
	if cfg.Limits.ShardReadBytesPerSec == 0 {
		cfg.Limits.ShardReadBytesPerSec = 1 << 30
	}
	if cfg.Limits.ControlPlane.GetShardIteratorPerShard == 0 {
		cfg.Limits.ControlPlane.GetShardIteratorPerShard = 1000
	}
	return cfg
}

func newClient(url string) *kinesis.Client { return sdktest.Kinesis(url, 0, nil) }

// stored is one user record as read back from the stream.
type stored struct {
	shardID, seq string
	sub          int
	key          string
	data         string
}

// readBack reads every shard of the stream (closed ones too) from TRIM_HORIZON and deaggregates
// as the KCL does (AggregatorUtil.deaggregate): an aggregate holding a sub-record whose hash key
// lies outside the shard that stored it is dropped whole — the sub-records in range too (an
// aggregate sent with a stale shard map lands on a child of the shard it was built for). It
// returns what a consumer receives and how many sub-records were dropped.
func readBack(t testing.TB, client *kinesis.Client, stream string) (delivered []stored, dropped int) {
	t.Helper()
	ctx := context.Background()
	var out []stored
	var shards []types.Shard
	in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	for {
		page, err := client.ListShards(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, page.Shards...)
		if page.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: page.NextToken}
	}
	for _, sh := range shards {
		lo, _ := new(big.Int).SetString(*sh.HashKeyRange.StartingHashKey, 10)
		hi, _ := new(big.Int).SetString(*sh.HashKeyRange.EndingHashKey, 10)
		it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != nil {
			page, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Records {
				subs, aggregated, err := kpl.Deaggregate(r.Data)
				if err != nil {
					t.Fatalf("shard %s record %s: %v", *sh.ShardId, *r.SequenceNumber, err)
				}
				if !aggregated {
					subs = []kpl.Record{{PartitionKey: *r.PartitionKey, Data: r.Data}}
				}
				if aggregated && slices.ContainsFunc(subs, func(s kpl.Record) bool { h := hashOf(s); return h.Cmp(lo) < 0 || h.Cmp(hi) > 0 }) {
					dropped += len(subs) // the KCL drops the whole aggregate, in-range sub-records too
					continue
				}
				for i, s := range subs {
					out = append(out, stored{shardID: *sh.ShardId, seq: *r.SequenceNumber, sub: i, key: s.PartitionKey, data: string(s.Data)})
				}
			}
			if len(page.Records) == 0 && (page.MillisBehindLatest == nil || *page.MillisBehindLatest == 0) {
				break
			}
			iter = page.NextShardIterator
		}
	}
	return out, dropped
}

func hashOf(r kpl.Record) *big.Int {
	if r.ExplicitHashKey != "" {
		v, _ := new(big.Int).SetString(r.ExplicitHashKey, 10)
		return v
	}
	return md5Big(r.PartitionKey)
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}
