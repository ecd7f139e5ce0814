package producer

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// shardMap is an immutable snapshot of the stream's open shards, sorted by hash range. The
// producer swaps in a new one on refresh; routing keeps using the old one meanwhile.
type shardMap struct {
	shards   []mapShard
	loadedAt time.Time
}

type mapShard struct {
	id         string
	start, end hashkey.Key
}

// loadShardMap lists the open shards (ListShards with AT_LATEST, every page).
func loadShardMap(ctx context.Context, api KinesisAPI, ref streamRef) (*shardMap, error) {
	in := &kinesis.ListShardsInput{StreamName: ref.name, StreamARN: ref.arn, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}}
	m := &shardMap{}
	for {
		out, err := api.ListShards(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list shards: %w", err)
		}
		for _, s := range out.Shards {
			if s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil {
				continue // closed; AT_LATEST should not list it, but a peer might
			}
			start, ok1 := hashkey.Parse(aws.ToString(s.HashKeyRange.StartingHashKey))
			end, ok2 := hashkey.Parse(aws.ToString(s.HashKeyRange.EndingHashKey))
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("list shards: shard %s has an unreadable hash key range", aws.ToString(s.ShardId))
			}
			m.shards = append(m.shards, mapShard{id: aws.ToString(s.ShardId), start: start, end: end})
		}
		if out.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
	if len(m.shards) == 0 {
		return nil, fmt.Errorf("list shards: the stream has no open shards")
	}
	sort.Slice(m.shards, func(i, j int) bool { return m.shards[i].start.Cmp(m.shards[j].start) < 0 })
	m.loadedAt = time.Now()
	return m, nil
}
