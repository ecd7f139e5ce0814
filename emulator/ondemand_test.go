package emulator

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/shardstorm/shardstorm/internal/hashkey"
)

// The on-demand tests drive load on the ManualClock: every 100 ms of virtual time one PutRecords
// carries a tenth of the rate, in 64 records whose explicit hash keys are spread evenly over the
// key space (so 4, 8, 16, 32 or 64 shards of equal width share it evenly), or all on one key.

const odStep = 100 * time.Millisecond

// odPhase is what one phase of load did.
type odPhase struct {
	accepted, throttled int64           // records
	acceptedBytes       int64           // data + partition key
	throttledAt         []time.Duration // offsets into the phase of the steps with a throttle
}

// drive offers bytesPerSec for d, spread over the key space (hot == "") or all on partition key
// hot, and checks every failure is AWS's throttle.
func drive(t *testing.T, env *testEnv, bytesPerSec int64, d time.Duration, hot string) odPhase {
	t.Helper()
	return driveN(t, env, 64, bytesPerSec, d, hot)
}

// driveN is drive with perStep records (≤ 500) in each 100 ms step.
func driveN(t *testing.T, env *testEnv, perStep int, bytesPerSec int64, d time.Duration, hot string) odPhase {
	t.Helper()
	spread := hashkey.Whole.Points(perStep)
	recBytes := bytesPerSec / int64(time.Second/odStep) / int64(perStep)
	var out odPhase
	for at := time.Duration(0); at < d; at += odStep {
		recs := make([]types.PutRecordsRequestEntry, perStep)
		for i := range recs {
			key := "k"
			ent := types.PutRecordsRequestEntry{PartitionKey: aws.String(key)}
			if hot != "" {
				ent.PartitionKey = aws.String(hot)
			} else {
				ent.ExplicitHashKey = aws.String(spread[i].String())
			}
			ent.Data = make([]byte, recBytes-int64(len(*ent.PartitionKey)))
			recs[i] = ent
		}
		res := must(env.kin.PutRecords(env.ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: recs}))(t)
		for _, r := range res.Records {
			switch {
			case r.ErrorCode == nil:
				out.accepted++
				out.acceptedBytes += recBytes
			case *r.ErrorCode == "ProvisionedThroughputExceededException":
				out.throttled++
			default:
				t.Fatalf("record failed with %s: %s", *r.ErrorCode, aws.ToString(r.ErrorMessage))
			}
		}
		if *res.FailedRecordCount > 0 {
			out.throttledAt = append(out.throttledAt, at)
		}
		env.clock.Advance(odStep)
	}
	return out
}

func openShards(t *testing.T, env *testEnv) int {
	t.Helper()
	return int(*must(env.kin.DescribeStreamSummary(env.ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")}))(t).StreamDescriptionSummary.OpenShardCount)
}

func onDemandEnv(t *testing.T, scale float64) *testEnv {
	t.Helper()
	return newEnv(t, Config{Streams: []StreamSpec{{Name: "s", OnDemand: true}}, OnDemandTimeScale: scale}, true)
}

func TestOnDemandNewStreamTakes4MiBPerSecond(t *testing.T) {
	env := onDemandEnv(t, 1) // AWS's windows: nothing scales within these minutes
	if n := openShards(t, env); n != 4 {
		t.Fatalf("a new on-demand stream has %d open shards, want 4", n)
	}
	if p := drive(t, env, 4*mib, 10*time.Second, ""); p.throttled != 0 {
		t.Fatalf("4 MiB/s spread over keys: %d records throttled, want none", p.throttled)
	}
	// 6 MiB/s: what is over 4 MiB/s (after the shards' one-second burst) is throttled.
	const secs = 10
	p := drive(t, env, 6*mib, secs*time.Second, "")
	if p.throttled == 0 {
		t.Fatal("6 MiB/s on a new on-demand stream: nothing throttled")
	}
	if lo, hi := int64(secs-1)*4*mib, int64(secs+1)*4*mib+4*mib; p.acceptedBytes < lo || p.acceptedBytes > hi {
		t.Fatalf("6 MiB/s for %d s: %d bytes accepted, want 4 MiB/s worth (%d..%d)", secs, p.acceptedBytes, lo, hi)
	}
	st, _ := env.emu.StreamStats("s")
	if od := st.OnDemand; od == nil || od.WriteBytesPerSec != 4*mib || od.WriteRecordsPerSec != 4000 || od.TargetShards <= 4 || od.PendingSplits != 4 {
		t.Fatalf("capacity: %+v, want 4 MiB/s and 4,000 records/s now, 4 hot shards waiting to split", st.OnDemand)
	}
	if n := openShards(t, env); n != 4 {
		t.Fatalf("%d open shards within the 15-minute scaling delay, want 4", n)
	}
	// After AWS's 15 minutes the hot shards have split.
	env.clock.Advance(15 * time.Minute)
	if n := openShards(t, env); n != 8 {
		t.Fatalf("%d open shards after the scaling delay, want 8", n)
	}
}

func TestOnDemandNewStreamTakes4000RecordsPerSecond(t *testing.T) {
	env := onDemandEnv(t, 1)
	// 100-byte records: records, not bytes, are the limit.
	if p := driveN(t, env, 400, 400*100*10, 20*time.Second, ""); p.throttled != 0 {
		t.Fatalf("4,000 records/s spread over keys: %d throttled, want none", p.throttled)
	}
	const secs = 20
	p := driveN(t, env, 480, 480*100*10, secs*time.Second, "")
	if lo, hi := int64(secs-1)*4000, int64(secs+1)*4000+4000; p.throttled == 0 || p.accepted < lo || p.accepted > hi {
		t.Fatalf("4,800 records/s for %d s: %d accepted, %d throttled; want 4,000 records/s worth (%d..%d) accepted", secs, p.accepted, p.throttled, lo, hi)
	}
}

func TestOnDemandPeakLeavesTheWindowAfter30Days(t *testing.T) {
	env := onDemandEnv(t, 3600) // 30 days → 12 minutes
	drive(t, env, 3*mib, 3*time.Second, "")
	stats := func() *OnDemandStats { st, _ := env.emu.StreamStats("s"); return st.OnDemand }
	if od := stats(); od.PeakBytesPerSec < 3*mib*99/100 || od.TargetShards != 6 {
		t.Fatalf("after 3 MiB/s: %+v, want a 3 MiB/s peak and 6 shards' target", od)
	}
	env.clock.Advance(11 * time.Minute) // 27.5 days
	if od := stats(); od.PeakBytesPerSec < 3*mib*99/100 {
		t.Fatalf("the peak left before 30 days: %+v", od)
	}
	env.clock.Advance(2 * time.Minute) // 32.5 days
	if od := stats(); od.PeakBytesPerSec != 0 || od.TargetShards != 4 || od.WriteBytesPerSec != 8*mib {
		t.Fatalf("after 30 days: %+v, want no peak, the 4-shard target, and the 8 shards kept (no scale-down)", od)
	}
}

func TestOnDemandAbsorbsStepsWithinTwiceThePeakAndSplitsWithLineage(t *testing.T) {
	env := onDemandEnv(t, 3600) // the 15-minute delay is 250 ms
	if p := drive(t, env, 3*mib, 5*time.Second, ""); p.throttled != 0 {
		t.Fatalf("3 MiB/s: %d throttled", p.throttled)
	}
	// Twice a 3 MiB/s peak needs 6 shards: all four (768 KiB/s each, over half their limit) split.
	if n := openShards(t, env); n != 8 {
		t.Fatalf("after a 3 MiB/s peak: %d open shards, want 8", n)
	}
	all := listShards(t, env, nil)
	if len(all) != 12 {
		t.Fatalf("%d shards listed, want 4 closed parents and 8 children", len(all))
	}
	var open []types.Shard
	parents := map[string]types.Shard{}
	for _, sh := range all[:4] {
		if sh.SequenceNumberRange.EndingSequenceNumber == nil {
			t.Fatalf("parent %s is still open", *sh.ShardId)
		}
		parents[*sh.ShardId] = sh
	}
	children := map[string]int{}
	for _, sh := range all[4:] {
		if sh.SequenceNumberRange.EndingSequenceNumber != nil {
			t.Fatalf("child %s is closed", *sh.ShardId)
		}
		p, ok := parents[aws.ToString(sh.ParentShardId)]
		if !ok || sh.AdjacentParentShardId != nil {
			t.Fatalf("child %s: parent %v, adjacent parent %v", *sh.ShardId, sh.ParentShardId, sh.AdjacentParentShardId)
		}
		// Each child is half its parent's range.
		pw := new(big.Int).Sub(bigOf(*p.HashKeyRange.EndingHashKey), bigOf(*p.HashKeyRange.StartingHashKey))
		cw := new(big.Int).Sub(bigOf(*sh.HashKeyRange.EndingHashKey), bigOf(*sh.HashKeyRange.StartingHashKey))
		if d := new(big.Int).Sub(pw, new(big.Int).Mul(cw, big.NewInt(2))); d.Sign() < 0 || d.Cmp(big.NewInt(2)) > 0 {
			t.Fatalf("child %s is not half of %s", *sh.ShardId, *p.ShardId)
		}
		children[*p.ShardId]++
		open = append(open, sh)
	}
	for id := range parents {
		if children[id] != 2 {
			t.Fatalf("parent %s has %d children, want 2", id, children[id])
		}
	}
	checkCoverage(t, open)

	// A step to twice the previous peak is taken at once, and the stream grows again behind it.
	if p := drive(t, env, 6*mib, 5*time.Second, ""); p.throttled != 0 {
		t.Fatalf("6 MiB/s after a 3 MiB/s peak: %d throttled", p.throttled)
	}
	if n := openShards(t, env); n != 16 {
		t.Fatalf("after a 6 MiB/s peak: %d open shards, want 16", n)
	}
	st, _ := env.emu.StreamStats("s")
	if od := st.OnDemand; od.Splits != 12 || od.WriteBytesPerSec != 16*mib || od.PeakBytesPerSec < 6*mib*99/100 {
		t.Fatalf("capacity after two rounds: %+v", od)
	}
	// CloudWatch's stream metrics count what every shard, parents and children, accepted.
	got, _ := metricSum(t, env, "IncomingBytes", "Sum", map[string]string{"StreamName": "s"}, t0, t0.Add(time.Minute)) // one 60 s bucket holds all of it
	if want := st.Total.AcceptedBytes; got != float64(want) {
		t.Fatalf("IncomingBytes %v, want the %d bytes accepted", got, want)
	}
}

func TestOnDemandThrottlesAJumpBeyondTwiceThePeakForTheScalingDelay(t *testing.T) {
	// Shards of 64 KiB/s keep the bytes this test moves small; the rule is the same at 1 MiB/s.
	const u = 64 * kib
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", OnDemand: true}}, OnDemandTimeScale: 60, // 15 minutes → 15 s; 30 days → 12 h
		Limits: Limits{ShardBytesPerSec: u, ShardBytesBurst: u, OnDemandMaxWriteBytesPerSec: 200 * u}}, true)
	if p := drive(t, env, 2*u, 5*time.Second, ""); p.throttled != 0 {
		t.Fatalf("2 shards' worth: %d throttled", p.throttled)
	}
	if n := openShards(t, env); n != 4 {
		t.Fatalf("twice a peak of 2 shards' worth fits 4 shards, but %d are open", n)
	}
	// 3.5 times the peak. Throttled until the split, 15 s after the first second of it.
	p := drive(t, env, 7*u, 20*time.Second, "")
	if len(p.throttledAt) == 0 {
		t.Fatal("a jump to 3.5 times the peak: nothing throttled")
	}
	last := p.throttledAt[len(p.throttledAt)-1]
	if len(p.throttledAt) < 100 || last < 15*time.Second || last >= 17*time.Second {
		t.Fatalf("throttled in %d steps of 200, the last at %v: want nearly every step until the split at about 16 s", len(p.throttledAt), last)
	}
	if n := openShards(t, env); n != 8 {
		t.Fatalf("after the delay: %d open shards, want 8", n)
	}
}

func TestOnDemandHotKeyIsHeldToOneShard(t *testing.T) {
	env := onDemandEnv(t, 3600)
	// One partition key at 2 MiB/s: its shard takes 1 MiB/s (after its one-second burst) although
	// the stream has 4 MiB/s.
	const secs = 30
	p := drive(t, env, 2*mib, secs*time.Second, "hot")
	if lo, hi := int64(secs-1)*mib, int64(secs+1)*mib+mib; p.acceptedBytes < lo || p.acceptedBytes > hi {
		t.Fatalf("hot key at 2 MiB/s for %d s: %d bytes accepted, want one shard's 1 MiB/s (%d..%d)", secs, p.acceptedBytes, lo, hi)
	}
	if p.throttled == 0 {
		t.Fatal("hot key over one shard's limit: nothing throttled")
	}
	// Twice a 1 MiB/s peak fits the 4 shards: no splitting, however long the key stays hot.
	if n := openShards(t, env); n != 4 {
		t.Fatalf("a hot key alone split the stream to %d shards", n)
	}
	st, _ := env.emu.StreamStats("s")
	if od := st.OnDemand; od.WriteBytesPerSec != 4*mib || od.TargetShards != 4 || od.Splits != 0 {
		t.Fatalf("capacity: %+v", od)
	}
}

func TestOnDemandScalesAStreamSwitchedFromProvisioned(t *testing.T) {
	env := newEnv(t, Config{Streams: []StreamSpec{{Name: "s", Shards: 2}}, OnDemandTimeScale: 3600}, true)
	arn := "arn:aws:kinesis:us-east-1:123456789012:stream/s"
	if st, _ := env.emu.StreamStats("s"); st.OnDemand != nil {
		t.Fatalf("a provisioned stream reports on-demand capacity %+v", st.OnDemand)
	}
	must(env.kin.UpdateStreamMode(env.ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}))(t)
	env.clock.Advance(time.Second)
	if n := openShards(t, env); n != 2 {
		t.Fatalf("switching to on-demand kept %d shards, want the 2 it had", n)
	}
	// 1.5 MiB/s is over the two shards' 2 MiB/s halves: both split, to 4.
	drive(t, env, 1536*kib, 5*time.Second, "")
	if n := openShards(t, env); n != 4 {
		t.Fatalf("%d open shards, want 4", n)
	}
	must(env.kin.UpdateStreamMode(env.ctx, &kinesis.UpdateStreamModeInput{StreamARN: aws.String(arn), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeProvisioned}}))(t)
	env.clock.Advance(time.Second)
	drive(t, env, 3*mib, 5*time.Second, "")
	if n := openShards(t, env); n != 4 {
		t.Fatalf("a provisioned stream scaled itself to %d shards", n)
	}
}

func TestOnDemandTimeScaleIsChecked(t *testing.T) {
	for _, v := range []float64{-1, 0.5, 2e9, math.NaN(), math.Inf(1)} {
		bad := CheckConfig(Config{OnDemandTimeScale: v})
		if len(bad) != 1 || bad[0].Field != "OnDemandTimeScale" {
			t.Fatalf("OnDemandTimeScale %v: %v", v, bad)
		}
	}
	if bad := CheckConfig(Config{OnDemandTimeScale: 3600}); len(bad) != 0 {
		t.Fatalf("OnDemandTimeScale 3600 refused: %v", bad)
	}
}
