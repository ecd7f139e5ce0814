package emulator

import (
	"time"
)

// Retention: a stream keeps records for its retention period (24 hours by default, up to 8760
// hours = 365 days), changed by IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod.
// Records older than the period are trimmed as the shard is written or read; the per-shard
// count and byte bounds (Config.RetainRecordsPerShard, RetainBytesPerShard) still cap memory.
const (
	defaultRetention = 24 * time.Hour
	maxRetention     = 8760 * time.Hour
)

type retentionInput struct {
	streamRef
	RetentionPeriodHours *int
}

func (e *Emulator) opIncreaseStreamRetentionPeriod(req request) (any, *apiError) {
	return e.changeRetention(req, true)
}

func (e *Emulator) opDecreaseStreamRetentionPeriod(req request) (any, *apiError) {
	return e.changeRetention(req, false)
}

func (e *Emulator) changeRetention(req request, increase bool) (any, *apiError) {
	in, aerr := decodeInput[retentionInput](req.body)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case in.RetentionPeriodHours == nil:
		return nil, errValidation("Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null")
	case *in.RetentionPeriodHours < 1:
		return nil, errValidation("Value '%d' at 'retentionPeriodHours' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.RetentionPeriodHours)
	}
	hours := *in.RetentionPeriodHours
	want := time.Duration(hours) * time.Hour
	s, aerr := e.lookup(in.streamRef, req.now)
	if aerr != nil {
		return nil, aerr
	}
	defer s.mu.Unlock()
	if s.status != statusActive {
		return nil, e.errNotActive(s)
	}
	current := int(s.retention / time.Hour)
	switch {
	case want < defaultRetention || want > maxRetention:
		return nil, errInvalidArgument("Minimum allowed retention period is %d hours. Maximum allowed retention period is %d hours. Requested retention period (%d hours) is out of bounds.",
			int(defaultRetention/time.Hour), int(maxRetention/time.Hour), hours)
	case increase && want < s.retention:
		return nil, errInvalidArgument("Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.",
			hours, s.name, current)
	case !increase && want > s.retention:
		return nil, errInvalidArgument("Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.",
			hours, s.name, current)
	}
	s.retention = want
	for _, sh := range s.shards {
		sh.expire(req.now.Add(-want))
	}
	return struct{}{}, nil
}

// expire trims the records that arrived before cutoff: they are past the stream's retention.
func (sh *shard) expire(cutoff time.Time) {
	for sh.head < len(sh.log) && sh.log[sh.head].arrival.Before(cutoff) {
		old := &sh.log[sh.head]
		sh.logBytes -= int64(len(old.data) + len(old.key))
		*old = storedRecord{}
		sh.head++
	}
}
