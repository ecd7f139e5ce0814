package emulator

// The account's shard quota, as AWS documents it ("Quotas and limits", Amazon Kinesis Data
// Streams Developer Guide, https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html,
// "Number of shards", provisioned mode): "The default shard quota is 20,000 shards per AWS account
// for the following AWS Regions: US East (N. Virginia), US West (Oregon), Europe (Ireland). For all
// other Regions, the default shard quota is 1,000 or 6,000 shards per AWS account." The quota is
// raised through Service Quotas; `shardstorm emulator --shard-quota` (Limits.ShardLimit) plays that.
//
// Inferred: the guide does not say which other regions get 6,000, so every other region (and a
// local name such as "local") gets the lower 1,000: a stream that fits here fits there. The older
// figures (500 in those three regions, 200 elsewhere) were the guide's until 2023 or so.

// MaxShardQuota bounds Limits.ShardLimit: DescribeLimits' ShardLimit is "Valid Range: Minimum value
// of 0. Maximum value of 1000000" (Kinesis API Reference, DescribeLimits).
const MaxShardQuota = 1_000_000

// DefaultShardQuota is AWS's default shard quota for an account in region.
func DefaultShardQuota(region string) int {
	switch region {
	case "us-east-1", "us-west-2", "eu-west-1":
		return 20_000
	}
	return 1_000 // "1,000 or 6,000": the lower (inferred, see above)
}
