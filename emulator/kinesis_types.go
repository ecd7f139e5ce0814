package emulator

import "time"

// JSON shapes of the Kinesis API (awsJson1_1). Field names are AWS's.

type streamRef struct {
	StreamName string `json:"StreamName,omitempty"`
	StreamARN  string `json:"StreamARN,omitempty"`
}

type hashKeyRangeJSON struct {
	StartingHashKey string `json:"StartingHashKey"`
	EndingHashKey   string `json:"EndingHashKey"`
}

type seqRangeJSON struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type shardJSON struct {
	ShardId               string           `json:"ShardId"`
	ParentShardId         string           `json:"ParentShardId,omitempty"`
	AdjacentParentShardId string           `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          hashKeyRangeJSON `json:"HashKeyRange"`
	SequenceNumberRange   seqRangeJSON     `json:"SequenceNumberRange"`
}

type streamModeJSON struct {
	StreamMode string `json:"StreamMode"`
}

type enhancedMetricsJSON struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

// epochSeconds is how awsJson1_1 carries timestamps: a JSON number of seconds.
type epochSeconds float64

func toEpoch(t time.Time) epochSeconds { return epochSeconds(float64(t.UnixNano()) / 1e9) }

func (s epochSeconds) time() time.Time {
	return time.Unix(0, int64(float64(s)*1e9))
}

func (sh *shard) json(s *stream) shardJSON {
	out := shardJSON{
		ShardId:               sh.id,
		ParentShardId:         sh.parentID,
		AdjacentParentShardId: sh.adjacentParentID,
		HashKeyRange:          hashKeyRangeJSON{sh.start.String(), sh.end.String()},
		SequenceNumberRange:   seqRangeJSON{StartingSequenceNumber: formatSeq(sh.prefix, sh.startingCounter)},
	}
	if sh.closed {
		out.SequenceNumberRange.EndingSequenceNumber = formatSeq(sh.prefix, sh.endingCounter)
	}
	return out
}
