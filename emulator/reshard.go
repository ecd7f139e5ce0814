package emulator

import (
	"net/http"
	"time"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// Resharding is asynchronous, as on AWS: the call checks its arguments, the stream turns
// UPDATING, and after Config.ReshardDelay the parents close and the children open (applied
// lazily by stream.advance). Writes keep landing on the parents until then.

func (e *Emulator) errNotActive(s *stream) *apiError {
	return newAPIError(http.StatusBadRequest, "ResourceInUseException",
		"Stream %s under account %s not ACTIVE, instead in state %s", s.name, e.cfg.AccountID, s.status)
}

func (e *Emulator) errNotEligible(sh *shard, s *stream) *apiError {
	return errInvalidArgument("Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for merging or splitting.",
		sh.id, s.name, e.cfg.AccountID)
}

// beginReshard turns s UPDATING with apply pending. Caller holds s.mu.
func (e *Emulator) beginReshard(s *stream, now time.Time, apply func(at time.Time)) {
	s.status, s.readyAt, s.pending = statusUpdating, now.Add(e.cfg.ReshardDelay), apply
	s.advance(now) // a zero delay applies at once
}

// otherOpenShards counts open shards in the account outside s, for the shard limit.
func (e *Emulator) otherOpenShards(s *stream, now time.Time) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, o := range e.streams {
		if o == s {
			continue
		}
		o.mu.Lock()
		o.advance(now)
		if !o.deleted {
			n += len(o.open)
		}
		o.mu.Unlock()
	}
	return n
}

type splitShardInput struct {
	streamRef
	ShardToSplit       string
	NewStartingHashKey string
}

func (e *Emulator) opSplitShard(req request) (any, *apiError) {
	in, aerr := decodeInput[splitShardInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("SplitShard", req.now); aerr != nil {
		return nil, aerr
	}
	newStart, ok := hashkey.Parse(in.NewStartingHashKey)
	if !ok {
		return nil, errValidation("Value '%s' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})", in.NewStartingHashKey)
	}
	others := e.otherOpenShards(nil, req.now) // all streams; this one's shards are counted below
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	if s.onDemand {
		return nil, e.errProvisionedOnly(s, "SplitShard")
	}
	parent := s.shardByID(in.ShardToSplit)
	if parent == nil {
		return nil, e.errShardNotFound(in.ShardToSplit, s.name)
	}
	if parent.closed {
		return nil, e.errNotEligible(parent, s)
	}
	if newStart.Cmp(parent.start) <= 0 || newStart.Cmp(parent.end) > 0 {
		return nil, errInvalidArgument("NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than the shard's StartingHashKey %s and not greater than its EndingHashKey %s.",
			in.NewStartingHashKey, parent.id, s.name, e.cfg.AccountID, parent.start, parent.end)
	}
	if others+1 > e.cfg.Limits.ShardLimit {
		return nil, e.errShardLimit(others, 1)
	}
	e.beginReshard(s, req.now, func(at time.Time) { s.split(e, parent, newStart, at); s.reindexOpen() })
	return struct{}{}, nil
}

// split closes parent and opens [start, at-1] and [at, end] as its children.
func (s *stream) split(e *Emulator, parent *shard, at hashkey.Key, now time.Time) (lower, upper *shard) {
	s.closeShard(parent, now)
	lower = s.addShard(e, parent.start, at.Sub1(), parent.id, "", now)
	upper = s.addShard(e, at, parent.end, parent.id, "", now)
	return lower, upper
}

// merge closes a and its neighbour b and opens their union, a as parent, b as adjacent parent.
func (s *stream) merge(e *Emulator, a, b *shard, now time.Time) *shard {
	s.closeShard(a, now)
	s.closeShard(b, now)
	lo, hi := a.start, b.end
	if b.start.Cmp(a.start) < 0 {
		lo, hi = b.start, a.end
	}
	return s.addShard(e, lo, hi, a.id, b.id, now)
}

type mergeShardsInput struct {
	streamRef
	ShardToMerge         string
	AdjacentShardToMerge string
}

func (e *Emulator) opMergeShards(req request) (any, *apiError) {
	in, aerr := decodeInput[mergeShardsInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := e.accountRate("MergeShards", req.now); aerr != nil {
		return nil, aerr
	}
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	if s.onDemand {
		return nil, e.errProvisionedOnly(s, "MergeShards")
	}
	a, b := s.shardByID(in.ShardToMerge), s.shardByID(in.AdjacentShardToMerge)
	for _, p := range []struct {
		sh *shard
		id string
	}{{a, in.ShardToMerge}, {b, in.AdjacentShardToMerge}} {
		if p.sh == nil {
			return nil, e.errShardNotFound(p.id, s.name)
		}
		if p.sh.closed {
			return nil, e.errNotEligible(p.sh, s)
		}
	}
	if !adjacent(a, b) && !adjacent(b, a) {
		return nil, errInvalidArgument("Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging",
			a.id, b.id, s.name, e.cfg.AccountID)
	}
	e.beginReshard(s, req.now, func(at time.Time) { s.merge(e, a, b, at); s.reindexOpen() })
	return struct{}{}, nil
}

// adjacent reports whether b starts right after a ends (the last shard has no successor: its end
// plus one would wrap to zero).
func adjacent(a, b *shard) bool { return a.end != hashkey.Max && a.end.Add1() == b.start }

type updateShardCountInput struct {
	streamRef
	TargetShardCount *int
	ScalingType      string
}

func (e *Emulator) opUpdateShardCount(req request) (any, *apiError) {
	in, aerr := decodeInput[updateShardCountInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	var v validation
	if in.TargetShardCount == nil {
		v.add("Value null at 'targetShardCount' failed to satisfy constraint: Member must not be null")
	} else if *in.TargetShardCount < 1 {
		v.add("Value '%d' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.TargetShardCount)
	}
	if in.ScalingType != "UNIFORM_SCALING" {
		v.add("Value '%s' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]", in.ScalingType)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	target := *in.TargetShardCount
	probe, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	probe.mu.Unlock()
	others := e.otherOpenShards(probe, req.now)
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	if s.onDemand {
		return nil, e.errProvisionedOnly(s, "UpdateShardCount")
	}
	current := len(s.open)
	limitErr := func(format string, args ...any) *apiError {
		e.countLimitExceeded("UpdateShardCount")
		return newAPIError(http.StatusBadRequest, "LimitExceededException", format, args...)
	}
	switch {
	case target > 2*current:
		return nil, limitErr("UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: %d Target shard count: %d", current, target)
	case 2*target < current:
		return nil, limitErr("UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: %d Target shard count: %d", current, target)
	case others+target > e.cfg.Limits.ShardLimit:
		return nil, e.errShardLimit(others+current, target-current)
	}
	// At most N calls in any rolling 24 hours.
	recent := s.countUpdates[:0]
	for _, t := range s.countUpdates {
		if req.now.Sub(t) < 24*time.Hour {
			recent = append(recent, t)
		}
	}
	s.countUpdates = recent
	if len(recent) >= e.cfg.Limits.ControlPlane.UpdateShardCountPerDay {
		return nil, limitErr("Exceeded the number of allowed UpdateShardCount calls (%d) in a rolling 24-hour period for stream %s under account %s.",
			e.cfg.Limits.ControlPlane.UpdateShardCountPerDay, s.name, e.cfg.AccountID)
	}
	s.countUpdates = append(s.countUpdates, req.now)
	if target != current {
		e.beginReshard(s, req.now, func(at time.Time) { s.rescale(e, target, at) })
	}
	return struct {
		StreamName        string
		StreamARN         string
		CurrentShardCount int
		TargetShardCount  int
	}{s.name, s.arn, current, target}, nil
}

// rescale reaches target uniformly spread shards the way AWS does, through real splits and
// merges, so every shard's lineage stays exact (a consumer reading parents before children
// never sees a record out of order): first split each open shard at every target boundary
// inside it, then merge the pieces of each target range pairwise. The intermediate shards open
// and close in the same instant and hold no records.
func (s *stream) rescale(e *Emulator, target int, now time.Time) {
	ranges := hashkey.Whole.Even(target)
	s.reindexOpen()
	var pieces []*shard
	for _, sh := range append([]*shard(nil), s.open...) {
		cur := sh
		for _, r := range ranges {
			if r.Start.Cmp(cur.start) > 0 && r.Start.Cmp(cur.end) <= 0 {
				lower, upper := s.split(e, cur, r.Start, now)
				pieces = append(pieces, lower)
				cur = upper
			}
		}
		pieces = append(pieces, cur)
	}
	for _, r := range ranges {
		var group []*shard
		for _, p := range pieces {
			if p.start.Cmp(r.Start) >= 0 && p.end.Cmp(r.End) <= 0 {
				group = append(group, p)
			}
		}
		for len(group) > 1 {
			merged := s.merge(e, group[0], group[1], now)
			group = append([]*shard{merged}, group[2:]...)
		}
	}
	s.reindexOpen()
}

// errProvisionedOnly is AWS's answer to a resharding call on an ON_DEMAND stream: the service
// manages its shards, and these APIs are for PROVISIONED streams only (the API reference's
// ValidationException; the message's wording is ours).
func (e *Emulator) errProvisionedOnly(s *stream, op string) *apiError {
	return newAPIError(http.StatusBadRequest, "ValidationException", "%s is not supported for stream %s under account %s: its capacity mode is ON_DEMAND. "+
		"This API is only supported for data streams with the PROVISIONED capacity mode.", op, s.name, e.cfg.AccountID)
}
