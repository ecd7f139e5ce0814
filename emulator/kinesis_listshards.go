package emulator

import (
	"net/http"
)

type shardFilterJSON struct {
	Type      string
	ShardId   string
	Timestamp *epochSeconds
}

type listShardsInput struct {
	streamRef
	NextToken               string
	ExclusiveStartShardId   string
	MaxResults              *int
	StreamCreationTimestamp *epochSeconds
	ShardFilter             *shardFilterJSON
}

// listShardsToken carries a ListShards position: the stream, the last shard listed, the filter.
type listShardsToken struct {
	Stream string
	After  string
	Filter *shardFilterJSON
}

func (e *Emulator) opListShards(req request) (any, *apiError) {
	body, now := req.body, req.now
	in, aerr := decodeInput[listShardsInput](body)
	if aerr != nil {
		return nil, aerr
	}
	max, aerr := pageLimit(in.MaxResults, "maxResults", 1000, 10000)
	if aerr != nil {
		return nil, aerr
	}
	after, filter := in.ExclusiveStartShardId, in.ShardFilter
	if in.NextToken != "" {
		// AWS names the first member that conflicts: "NextToken and StreamName cannot be provided
		// together." (what the AWS CLI's and botocore's ListShards paginators run into: they send
		// both; aws-cli#9635, botocore#2009).
		for _, c := range []struct {
			name  string
			given bool
		}{{"StreamName", in.StreamName != ""}, {"StreamARN", in.StreamARN != ""},
			{"ExclusiveStartShardId", in.ExclusiveStartShardId != ""}, {"ShardFilter", in.ShardFilter != nil}} {
			if c.given {
				return nil, errInvalidArgument("NextToken and %s cannot be provided together.", c.name)
			}
		}
		tok, ok := decodeToken[listShardsToken](in.NextToken)
		if !ok {
			return nil, errInvalidArgument("Invalid NextToken.")
		}
		in.StreamName, after, filter = tok.Stream, tok.After, tok.Filter
	}
	if filter != nil {
		if aerr := validateShardFilter(filter); aerr != nil {
			return nil, aerr
		}
	}
	s, aerr := e.lookup(in.streamRef, now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if !s.listShards.has(1, now) {
		e.countLimitExceeded("ListShards")
		return nil, e.errStreamLimit(s.name)
	}
	s.listShards.take(1)

	out := struct {
		Shards    []shardJSON `json:"Shards"`
		NextToken string      `json:"NextToken,omitempty"`
	}{Shards: []shardJSON{}}
	if filter != nil && filter.Type == "AFTER_SHARD_ID" && filter.ShardId > after {
		after = filter.ShardId
	}
	var last string
	for _, sh := range s.shardsAfter(after) {
		if !shardMatches(sh, filter) {
			continue
		}
		if len(out.Shards) == max {
			out.NextToken = encodeToken(listShardsToken{Stream: s.name, After: last, Filter: filter})
			break
		}
		out.Shards = append(out.Shards, sh.json(s))
		last = sh.id
	}
	return out, nil
}

func validateShardFilter(f *shardFilterJSON) *apiError {
	switch f.Type {
	case "AFTER_SHARD_ID":
		if f.ShardId == "" {
			return errInvalidArgument("ShardFilter of type AFTER_SHARD_ID requires a ShardId.")
		}
	case "AT_TIMESTAMP", "FROM_TIMESTAMP":
		if f.Timestamp == nil {
			return errInvalidArgument("ShardFilter of type %s requires a Timestamp.", f.Type)
		}
	case "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST":
	default:
		return newAPIError(http.StatusBadRequest, "ValidationException",
			"1 validation error detected: Value '%s' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]", f.Type)
	}
	return nil
}

// shardMatches applies a ShardFilter. Records are retained per shard without a time limit here,
// so every shard is still readable from the trim horizon.
func shardMatches(sh *shard, f *shardFilterJSON) bool {
	if f == nil {
		return true
	}
	switch f.Type {
	case "AT_LATEST":
		return !sh.closed
	case "AT_TIMESTAMP":
		ts := f.Timestamp.time()
		return !sh.createdAt.After(ts) && (!sh.closed || sh.closedAt.After(ts))
	case "FROM_TIMESTAMP":
		ts := f.Timestamp.time()
		return !sh.closed || !sh.closedAt.Before(ts)
	}
	return true
}
