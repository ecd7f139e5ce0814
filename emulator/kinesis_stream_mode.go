package emulator

import (
	"net/http"
	"time"
)

// maxModeSwitchesPerDay is AWS's rule for UpdateStreamMode: a stream switches capacity mode at
// most twice in any rolling 24 hours.
const maxModeSwitchesPerDay = 2

type updateStreamModeInput struct {
	StreamARN         string
	StreamModeDetails *streamModeJSON
}

// opUpdateStreamMode switches a stream between PROVISIONED and ON_DEMAND. Its shards stay as they
// are (AWS keeps the shard count across the switch); the stream is UPDATING for the resharding
// delay, writes and reads going on meanwhile.
func (e *Emulator) opUpdateStreamMode(req request) (any, *apiError) {
	in, aerr := decodeInput[updateStreamModeInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	var v validation
	if in.StreamARN == "" {
		v.add("Value null at 'streamARN' failed to satisfy constraint: Member must not be null")
	}
	switch {
	case in.StreamModeDetails == nil:
		v.add("Value null at 'streamModeDetails' failed to satisfy constraint: Member must not be null")
	case in.StreamModeDetails.StreamMode != "ON_DEMAND" && in.StreamModeDetails.StreamMode != "PROVISIONED":
		v.add("Value '%s' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]", in.StreamModeDetails.StreamMode)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	onDemand := in.StreamModeDetails.StreamMode == "ON_DEMAND"
	if onDemand {
		e.mu.Lock()
		_, _, count := e.accountCountsLocked(req.now)
		e.mu.Unlock()
		if count >= e.cfg.Limits.OnDemandStreamLimit {
			return nil, newAPIError(http.StatusBadRequest, "LimitExceededException",
				"This request would exceed the on-demand stream limit of %d for account %s.", e.cfg.Limits.OnDemandStreamLimit, e.cfg.AccountID)
		}
	}
	s, aerr := e.lookup(streamRef{StreamARN: in.StreamARN}, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	if s.onDemand == onDemand {
		return nil, errInvalidArgument("Stream %s under account %s is already in %s capacity mode.", s.name, e.cfg.AccountID, in.StreamModeDetails.StreamMode)
	}
	recent := s.modeUpdates[:0]
	for _, t := range s.modeUpdates {
		if req.now.Sub(t) < 24*time.Hour {
			recent = append(recent, t)
		}
	}
	s.modeUpdates = recent
	if len(recent) >= maxModeSwitchesPerDay {
		return nil, newAPIError(http.StatusBadRequest, "LimitExceededException",
			"Stream %s under account %s has switched capacity mode %d times in the last 24 hours: at most %d switches are allowed in a rolling 24-hour period.",
			s.name, e.cfg.AccountID, len(recent), maxModeSwitchesPerDay)
	}
	s.modeUpdates = append(s.modeUpdates, req.now)
	s.onDemand = onDemand
	s.od = nil // PROVISIONED: the shards stay as they are, pending on-demand splits are dropped
	if onDemand {
		// AWS: the stream "initially retains whatever shard count it had before the transition,
		// and from this point on, Kinesis Data Streams monitors your data traffic and scales".
		s.od = e.newOnDemandState()
	}
	s.status, s.readyAt = statusUpdating, req.now.Add(e.cfg.ReshardDelay)
	return struct{}{}, nil
}
