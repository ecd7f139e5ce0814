package emulator

import "time"

// accountLimits are the per-account control-plane rate limits (calls per second, each a bucket
// holding one second's worth). Guarded by the emulator's mutex.
type accountLimits struct {
	buckets map[string]*tokenBucket
}

func newAccountLimits(cp ControlPlaneLimits, now time.Time) accountLimits {
	perSec := map[string]int{
		"CreateStream":          cp.CreateStream,
		"DeleteStream":          cp.DeleteStream,
		"ListStreams":           cp.ListStreams,
		"MergeShards":           cp.MergeShards,
		"SplitShard":            cp.SplitShard,
		"DescribeStream":        cp.DescribeStream,
		"DescribeStreamSummary": cp.DescribeStreamSummary,
	}
	a := accountLimits{buckets: map[string]*tokenBucket{}}
	for op, n := range perSec {
		b := newTokenBucket(int64(n), int64(n), now)
		a.buckets[op] = &b
	}
	return a
}

// allow takes one call from op's bucket; ops without an account limit always pass.
func (a *accountLimits) allow(op string, now time.Time) bool {
	b, ok := a.buckets[op]
	if !ok {
		return true
	}
	if !b.has(1, now) {
		return false
	}
	b.take(1)
	return true
}

// controlPlaneOps are the calls ControlPlaneThrottleRate applies to: everything but the data
// plane.
func isControlPlane(op string) bool {
	switch op {
	case "PutRecord", "PutRecords", "GetRecords", "GetShardIterator":
		return false
	}
	return true
}
