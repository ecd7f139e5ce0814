package producer

// KPLRateLimit is the KPL's RateLimit default: 150 % of each shard's limits, static.
const KPLRateLimit = 150

// KPLBehaviour returns c configured as the Kinesis Producer Library behaves: a static limiter at
// 150 % of the shard limits and no adaptive limiting (the KPL's hook for it is empty). Every
// other default of Config is already the KPL's. `shardstorm run --producer kpl` and the bench's
// kpl contender both use it, so "the KPL" means one thing.
func KPLBehaviour(c Config) Config {
	c.RateLimit = KPLRateLimit
	c.DisableAdaptive = true
	return c
}
