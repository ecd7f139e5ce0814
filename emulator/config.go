package emulator

import (
	"fmt"
	"time"
)

// Config sets up an Emulator. The zero value of every field means "as AWS does it"; DefaultConfig
// spells those defaults out.
type Config struct {
	// Region and AccountID appear in ARNs and error messages. Defaults: us-east-1, 123456789012.
	Region    string
	AccountID string

	// Clock drives every limit. Default: the wall clock. Tests pass a *ManualClock.
	Clock Clock

	// Limits are the service limits enforced. Default: DefaultLimits().
	Limits Limits

	// Faults injected from the start; change them at run time with Emulator.SetFaults.
	Faults Faults

	// CreateDelay is how long a stream made by CreateStream stays CREATING. Default 0: ACTIVE at
	// once (streams of Config.Streams are always ACTIVE at once: they are the setup).
	CreateDelay time.Duration
	// DeleteDelay is how long a deleted stream stays DELETING (described, listed, still taking
	// reads and writes, as AWS's DeleteStream documents) before it is gone. Default 0: gone at once.
	DeleteDelay time.Duration
	// ReshardDelay is how long a stream stays UPDATING after SplitShard, MergeShards or
	// UpdateShardCount before the new shards open. Default 500 ms.
	ReshardDelay time.Duration

	// RetainRecordsPerShard and RetainBytesPerShard bound the records kept for GetRecords on each
	// shard (data + partition key bytes); the oldest go first. Defaults 100,000 records and 64 MiB.
	RetainRecordsPerShard int
	RetainBytesPerShard   int64

	// MetricRetention bounds how long CloudWatch data points are kept. Default 3 h (as AWS keeps
	// high-resolution data).
	MetricRetention time.Duration

	// BodyStallTimeout is how long a request body may go without a byte arriving before the
	// connection is dropped (408); a slow client that keeps sending is never cut off (up to 10
	// minutes per body). Default 30 s.
	BodyStallTimeout time.Duration

	// OnDemandTimeScale compresses the on-demand capacity model's windows (ondemand.go): the
	// 30 days whose peak sets the capacity and the 15-minute scaling delay are divided by it, so
	// tests and demos see a day of on-demand scaling in seconds (3600: the 30 days take 12
	// minutes, a scaling round 0.25 s). Rates stay per second. Default 1 (AWS's windows);
	// 1..1e9.
	OnDemandTimeScale float64

	// Seed makes fault injection repeatable. Default 1.
	Seed int64

	// Streams are created ACTIVE when the emulator starts.
	Streams []StreamSpec
}

// StreamSpec names a stream to create at start.
type StreamSpec struct {
	Name   string
	Shards int
	// OnDemand creates an ON_DEMAND stream (Shards is then ignored: 4 shards, as AWS starts).
	OnDemand bool
	// MaxRecordSizeKiB is the stream's record size limit, 1024..10240. Default 1024.
	MaxRecordSizeKiB int
}

// Limits are the service limits the emulator enforces. Defaults are AWS's (kinesis-facts.md).
type Limits struct {
	// Per-shard write limits: a bytes bucket and a records bucket, each refilling at its rate.
	ShardBytesPerSec   int64 // 1 MiB/s
	ShardRecordsPerSec int64 // 1000/s
	// Bucket capacities (the burst). ShardBytesBurst 0 means max(1 MiB, the stream's max record
	// size), so a single maximum-size record always fits an idle shard.
	ShardBytesBurst   int64
	ShardRecordsBurst int64 // 1000
	// SizeAccounting is how a write's size is charged to the bytes bucket: SizeRounded (AWS's
	// documented 1 KiB rounding: PutRecord per record, PutRecords per call and shard; the
	// default) or SizeRaw (the bytes sent). See size_accounting.go.
	SizeAccounting SizeAccounting

	// Per-shard read limits for GetRecords.
	ShardReadBytesPerSec int64 // 2 MiB/s
	GetRecordsPerShard   int   // 5 calls/s

	// MaxRequestBytes bounds a PutRecords request (data + partition keys). 10 MiB; set 5 MiB to
	// model the limit before October 2025.
	MaxRequestBytes int64

	// ShardLimit is the account's open shard quota (DescribeLimits, CreateStream, resharding),
	// 1..MaxShardQuota. 0 means AWS's default for Config.Region: DefaultShardQuota.
	ShardLimit int
	// OnDemandStreamLimit is the account's on-demand stream quota.
	OnDemandStreamLimit int // 50
	// OnDemandMaxWriteBytesPerSec and OnDemandMaxWriteRecordsPerSec bound what an on-demand
	// stream scales to (AWS's default 200 MB/s; 200,000 records/s is inferred as 200 shards'
	// worth). Capacity comes as shards, so the bound is that many shards' limits.
	OnDemandMaxWriteBytesPerSec   int64 // 200 MiB/s
	OnDemandMaxWriteRecordsPerSec int64 // 200,000/s

	// ControlPlane are the per-second API rate limits; a call over them fails with
	// LimitExceededException.
	ControlPlane ControlPlaneLimits
}

// ControlPlaneLimits are calls per second (UpdateShardCount: calls per rolling 24 hours).
type ControlPlaneLimits struct {
	CreateStream, DeleteStream, ListStreams, MergeShards, SplitShard int // 5/s per account
	DescribeStream                                                   int // 10/s per account
	DescribeStreamSummary                                            int // 20/s per account
	ListShards                                                       int // 1000/s per stream
	GetShardIteratorPerShard                                         int // 5/s per open shard
	UpdateShardCountPerDay                                           int // 10 per rolling 24 h
	MaxCreatingStreams                                               int // 5 streams CREATING at once
}

const (
	mib = 1 << 20
	kib = 1 << 10
)

// DefaultLimits returns AWS's limits.
func DefaultLimits() Limits {
	return Limits{
		ShardBytesPerSec:              mib,
		ShardRecordsPerSec:            1000,
		ShardRecordsBurst:             1000,
		SizeAccounting:                SizeRounded,
		ShardReadBytesPerSec:          2 * mib,
		GetRecordsPerShard:            5,
		MaxRequestBytes:               10 * mib,
		ShardLimit:                    DefaultShardQuota("us-east-1"), // DefaultConfig's region
		OnDemandStreamLimit:           50,
		OnDemandMaxWriteBytesPerSec:   200 * mib,
		OnDemandMaxWriteRecordsPerSec: 200_000,
		ControlPlane: ControlPlaneLimits{
			CreateStream: 5, DeleteStream: 5, ListStreams: 5, MergeShards: 5, SplitShard: 5,
			DescribeStream: 10, DescribeStreamSummary: 20, ListShards: 1000,
			GetShardIteratorPerShard: 5, UpdateShardCountPerDay: 10, MaxCreatingStreams: 5,
		},
	}
}

// DefaultConfig returns the configuration used when a field is left zero.
func DefaultConfig() Config {
	return Config{
		Region:                "us-east-1",
		AccountID:             "123456789012",
		Clock:                 SystemClock{},
		Limits:                DefaultLimits(),
		ReshardDelay:          500 * time.Millisecond,
		RetainRecordsPerShard: 100_000,
		RetainBytesPerShard:   64 * mib,
		MetricRetention:       3 * time.Hour,
		BodyStallTimeout:      30 * time.Second,
		OnDemandTimeScale:     1,
		Seed:                  1,
	}
}

// withDefaults fills zero fields from DefaultConfig, field by field, so a caller can set one
// limit and keep the others.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Region == "" {
		c.Region = d.Region
	}
	if c.AccountID == "" {
		c.AccountID = d.AccountID
	}
	if c.Clock == nil {
		c.Clock = d.Clock
	}
	if c.ReshardDelay == 0 {
		c.ReshardDelay = d.ReshardDelay
	}
	if c.RetainRecordsPerShard == 0 {
		c.RetainRecordsPerShard = d.RetainRecordsPerShard
	}
	if c.RetainBytesPerShard == 0 {
		c.RetainBytesPerShard = d.RetainBytesPerShard
	}
	if c.MetricRetention == 0 {
		c.MetricRetention = d.MetricRetention
	}
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	if c.BodyStallTimeout == 0 {
		c.BodyStallTimeout = d.BodyStallTimeout
	}
	if c.Limits.ShardLimit == 0 {
		c.Limits.ShardLimit = DefaultShardQuota(c.Region)
	}
	if c.OnDemandTimeScale == 0 {
		c.OnDemandTimeScale = d.OnDemandTimeScale
	}
	c.Limits = c.Limits.withDefaults(d.Limits)
	return c
}

func (l Limits) withDefaults(d Limits) Limits {
	set := func(v *int64, def int64) {
		if *v == 0 {
			*v = def
		}
	}
	seti := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	set(&l.ShardBytesPerSec, d.ShardBytesPerSec)
	set(&l.ShardRecordsPerSec, d.ShardRecordsPerSec)
	set(&l.ShardRecordsBurst, d.ShardRecordsBurst)
	if l.SizeAccounting == "" {
		l.SizeAccounting = d.SizeAccounting
	}
	set(&l.ShardReadBytesPerSec, d.ShardReadBytesPerSec)
	seti(&l.GetRecordsPerShard, d.GetRecordsPerShard)
	set(&l.MaxRequestBytes, d.MaxRequestBytes)
	seti(&l.ShardLimit, d.ShardLimit)
	seti(&l.OnDemandStreamLimit, d.OnDemandStreamLimit)
	set(&l.OnDemandMaxWriteBytesPerSec, d.OnDemandMaxWriteBytesPerSec)
	set(&l.OnDemandMaxWriteRecordsPerSec, d.OnDemandMaxWriteRecordsPerSec)
	cp, dc := &l.ControlPlane, d.ControlPlane
	seti(&cp.CreateStream, dc.CreateStream)
	seti(&cp.DeleteStream, dc.DeleteStream)
	seti(&cp.ListStreams, dc.ListStreams)
	seti(&cp.MergeShards, dc.MergeShards)
	seti(&cp.SplitShard, dc.SplitShard)
	seti(&cp.DescribeStream, dc.DescribeStream)
	seti(&cp.DescribeStreamSummary, dc.DescribeStreamSummary)
	seti(&cp.ListShards, dc.ListShards)
	seti(&cp.GetShardIteratorPerShard, dc.GetShardIteratorPerShard)
	seti(&cp.UpdateShardCountPerDay, dc.UpdateShardCountPerDay)
	seti(&cp.MaxCreatingStreams, dc.MaxCreatingStreams)
	return l
}

// maxRequestBytesLimit bounds MaxRequestBytes far above AWS's 10 MiB, so the body bound derived
// from it (maxKinesisBody) cannot overflow.
const maxRequestBytesLimit = 1 << 30

// maxOnDemandTimeScale keeps the compressed windows at microseconds or more: 15 minutes ÷ 1e9
// is 900 ns, 30 days ÷ 1e9 is 2.6 ms.
const maxOnDemandTimeScale = 1e9 // the message of its check spells it: keep both

// validate reports every bad field at once.
func (c Config) validate() error { return joinConfigErrors(c.configErrors()) }

// configErrors lists every bad field.
func (c Config) configErrors() []*ConfigError {
	var errs []*ConfigError
	bad := func(field string, v any, format string, args ...any) {
		errs = append(errs, &ConfigError{Field: field, Value: v, Reason: fmt.Sprintf(format, args...)})
	}
	l := c.Limits
	for _, v := range []struct {
		name string
		v    int64
	}{
		{"ShardBytesPerSec", l.ShardBytesPerSec}, {"ShardRecordsPerSec", l.ShardRecordsPerSec},
		{"ShardBytesBurst", l.ShardBytesBurst}, {"ShardRecordsBurst", l.ShardRecordsBurst},
		{"ShardReadBytesPerSec", l.ShardReadBytesPerSec},
		{"OnDemandMaxWriteBytesPerSec", l.OnDemandMaxWriteBytesPerSec}, {"OnDemandMaxWriteRecordsPerSec", l.OnDemandMaxWriteRecordsPerSec},
	} {
		if v.v < 0 || v.v > maxBucketTokens {
			bad("Limits."+v.name, v.v, "outside 0..%d", int64(maxBucketTokens))
		}
	}
	if l.SizeAccounting != "" {
		if _, err := ParseSizeAccounting(string(l.SizeAccounting)); err != nil {
			bad("Limits.SizeAccounting", fmt.Sprintf("%.40q", string(l.SizeAccounting)), sizeAccountingWant)
		}
	}
	if l.MaxRequestBytes < 0 || l.MaxRequestBytes > maxRequestBytesLimit {
		bad("Limits.MaxRequestBytes", l.MaxRequestBytes, "outside 0..%d", maxRequestBytesLimit)
	}
	if l.ShardLimit < 0 || l.ShardLimit > MaxShardQuota {
		bad("Limits.ShardLimit", l.ShardLimit, "outside 1..%d", MaxShardQuota)
	}
	if ts := c.OnDemandTimeScale; ts != 0 && !(ts >= 1 && ts <= maxOnDemandTimeScale) { // NaN fails both
		bad("OnDemandTimeScale", ts, "outside 1..1e9 (1: AWS's 30 days and 15 minutes)")
	}
	if c.CreateDelay < 0 {
		bad("CreateDelay", c.CreateDelay, "must not be negative")
	}
	if c.DeleteDelay < 0 {
		bad("DeleteDelay", c.DeleteDelay, "must not be negative")
	}
	if c.ReshardDelay < 0 {
		bad("ReshardDelay", c.ReshardDelay, "must not be negative")
	}
	if c.BodyStallTimeout < 0 {
		bad("BodyStallTimeout", c.BodyStallTimeout, "must not be negative")
	}
	if c.RetainRecordsPerShard < 0 {
		bad("RetainRecordsPerShard", c.RetainRecordsPerShard, "must not be negative")
	}
	if c.RetainBytesPerShard < 0 {
		bad("RetainBytesPerShard", c.RetainBytesPerShard, "must not be negative")
	}
	errs = append(errs, c.Faults.configErrors()...)
	total := 0
	for i, s := range c.Streams {
		field := fmt.Sprintf("Streams[%d]", i)
		if !streamNameOK(s.Name) {
			bad(field+".Name", fmt.Sprintf("%.40q", s.Name), "invalid stream name (1-128 of a-zA-Z0-9_.-)")
		}
		if !s.OnDemand && (s.Shards < 1 || s.Shards > l.ShardLimit) {
			bad(field+".Shards", s.Shards, "shard count of %q outside 1..%d (the account's shard quota)", s.Name, l.ShardLimit)
		}
		if s.OnDemand {
			total += onDemandInitialShards
		} else if s.Shards > 0 && s.Shards <= l.ShardLimit { // one over the quota alone is reported above
			total += s.Shards
		}
		if s.MaxRecordSizeKiB != 0 && (s.MaxRecordSizeKiB < 1024 || s.MaxRecordSizeKiB > 10240) {
			bad(field+".MaxRecordSizeKiB", s.MaxRecordSizeKiB, "outside 1024..10240")
		}
	}
	if total > l.ShardLimit && l.ShardLimit > 0 {
		bad("Streams", total, "the streams' %d shards exceed the account's shard quota of %d", total, l.ShardLimit)
	}
	return errs
}
