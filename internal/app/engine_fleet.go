package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/producer/fleet"
)

// EngineOptions pick and shape the run's producer (--producer, --clients, --client-*,
// --connectivity).
type EngineOptions struct {
	// Profile is one of Profiles; "" is shardstorm's engine.
	Profile string
	// Clients is the fleet's size (putrecords, putrecord); 0 is one client.
	Clients int
	// ClientBatch, ClientInterval and ClientBuffer are each client's batch size (0: 500), flush
	// interval (0: send as soon as a request can go) and buffer (0: DefaultClientBuffer).
	ClientBatch    int
	ClientInterval time.Duration
	ClientBuffer   int
	// Connectivity is the clients' network: always, flaky:UP/DOWN or outage:AT:FOR ("" always).
	Connectivity string
}

// parseConnectivity checks --connectivity's value; the text is kept for config print.
func parseConnectivity(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if _, err := fleet.ParseConnectivity(s); err != nil {
		return "", err
	}
	return s, nil
}

// fleetConfig is the fleet of the run's options: PutRecord's threads are --max-connections, the
// request timeout and the records' time to live are the producer's.
func fleetConfig(o Options, pcfg producer.Config) (fleet.Config, error) {
	conn, err := fleet.ParseConnectivity(nonEmpty(o.Engine.Connectivity, "always"))
	if err != nil {
		return fleet.Config{}, fmt.Errorf("--connectivity: %w", err)
	}
	// The producer's defaults where its settings are unset (a library caller's Options).
	pcfg.RequestTimeout = orDefault(pcfg.RequestTimeout, producer.DefaultRequestTimeout)
	pcfg.RecordTtl = orDefault(pcfg.RecordTtl, producer.DefaultRecordTtl)
	pcfg.MaxConnections = orDefault(pcfg.MaxConnections, producer.DefaultMaxConnections)
	cfg := fleet.Config{StreamName: o.Stream, API: fleet.PutRecords, Clients: max(o.Engine.Clients, 1), Threads: 1,
		Batch: orDefault(o.Engine.ClientBatch, fleet.MaxBatchRecords), Interval: o.Engine.ClientInterval,
		Buffer:         orDefault(o.Engine.ClientBuffer, DefaultClientBuffer),
		RequestTimeout: pcfg.RequestTimeout, RecordTtl: pcfg.RecordTtl, Connectivity: conn,
		// Re-send failed entries after a jittered backoff, as AWS's guidance and its SDKs' own
		// retries do: a loop that re-sends throttled entries at once only adds to the throttling.
		RetryBackoff: ClientRetryBackoff}
	if o.profile() == ProfilePutRecord {
		cfg.API, cfg.Threads, cfg.Batch = fleet.PutRecord, pcfg.MaxConnections, 1
	}
	if err := cfg.Validate(); err != nil {
		return fleet.Config{}, fmt.Errorf("the fleet's settings: %w", err)
	}
	return cfg, nil
}

// ClientRetryBackoff is the fleet clients' first wait before re-sending failed PutRecords entries
// (doubling to 2 s, jittered).
const ClientRetryBackoff = 100 * time.Millisecond

// DefaultClientBuffer is each client's buffer when --client-buffer is 0: records it holds while
// offline or behind before Put waits (a bound, not an allocation).
const DefaultClientBuffer = 10_000

func orDefault[T int | time.Duration](n, def T) T {
	if n == 0 {
		return def
	}
	return n
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// startFleet starts the fleet of simple clients beside a live map of the stream's open shards,
// so that the hot-key tracker and the offered counts see each record's shard as the producer's
// hooks do, before and after a reshard. The clients themselves know no shard map (small
// clients do not).
func (r *Run) startFleet(ctx context.Context, pcfg producer.Config) (Engine, error) {
	cfg, err := fleetConfig(r.opts, pcfg)
	if err != nil {
		return nil, err
	}
	kin, stream := r.client("fleet (shard map)"), r.opts.Stream
	load := func(ctx context.Context) (*producer.ShardMap, error) { return producer.LoadShardMap(ctx, kin, stream) }
	m, err := load(ctx)
	if err != nil {
		return nil, fmt.Errorf("the fleet's shard map of %s: %w", stream, err)
	}
	f, err := fleet.New(ctx, r.client("fleet"), cfg)
	if err != nil {
		return nil, err
	}
	rf := &routedFleet{Fleet: f, hooks: pcfg.Hooks, liveShardMap: newLiveShardMap(m, load,
		orDefault(pcfg.ShardMapRefreshInterval, producer.DefaultShardMapRefreshInterval))}
	return rf, nil
}

// routedFleet is a fleet whose Puts are shown to the producer hooks (hot keys, offered counts)
// with the shard the stream's live map routes them to.
type routedFleet struct {
	*fleet.Fleet
	*liveShardMap
	hooks []producer.Hook
}

func (f *routedFleet) Put(ctx context.Context, rec producer.Record, done func(producer.Result)) error {
	if err := f.Fleet.Put(ctx, rec, done); err != nil {
		return err
	}
	f.routed(rec)
	return nil
}

func (f *routedFleet) TryPut(rec producer.Record, done func(producer.Result)) error {
	if err := f.Fleet.TryPut(rec, done); err != nil {
		return err
	}
	f.routed(rec)
	return nil
}

func (f *routedFleet) routed(rec producer.Record) {
	if len(f.hooks) == 0 {
		return
	}
	id, ok := f.current().ShardOf(rec)
	if !ok {
		return
	}
	for _, h := range f.hooks {
		if rh, ok := h.(producer.RecordRoutedHook); ok {
			rh.OnRecordRouted(id, rec.PartitionKey, len(rec.Data)+len(rec.PartitionKey))
		}
	}
}

// Stats lists every open shard of the map, in hash key order, with the fleet's figures of the
// shards the service answered for (the others at zero), then the shards the service answered
// for that the map does not know yet; a shard closed by a reshard leaves the list, as it leaves
// the producer's. The sampler and the dashboard see the stream's shards from the start, as with
// the producer. A shard the service answered for that no map has listed is evidence of a
// reshard: the map is reloaded.
func (f *routedFleet) Stats() producer.Stats {
	st := f.Fleet.Stats()
	m := f.current()
	open := m.Shards()
	byID := make(map[string]producer.ShardStats, len(st.Shards))
	for _, s := range st.Shards {
		if f.evidence(s.ShardID) && !m.Has(s.ShardID) {
			continue // closed
		}
		byID[s.ShardID] = s
	}
	shards := make([]producer.ShardStats, 0, len(open)+len(st.Shards))
	for _, s := range open {
		ss, ok := byID[s.ID]
		if !ok {
			ss = producer.ShardStats{ShardID: s.ID}
		}
		delete(byID, s.ID)
		ss.StartingHashKey, ss.EndingHashKey = s.StartingHashKey, s.EndingHashKey
		shards = append(shards, ss)
	}
	for _, s := range st.Shards {
		if _, left := byID[s.ShardID]; left {
			shards = append(shards, s)
		}
	}
	st.Shards = shards
	st.Stream.ShardMapError = f.lastError()
	return st
}

// Close stops the fleet, then the map's refresh.
func (f *routedFleet) Close(ctx context.Context) error {
	err := f.Fleet.Close(ctx)
	f.liveShardMap.close()
	return err
}

// FleetClients is the fleet's clients for the sampler (metrics.FleetSource).
func (f *routedFleet) FleetClients() metrics.FleetClients {
	c := f.Fleet.Clients()
	return metrics.FleetClients{Clients: int64(c.Clients), Online: int64(c.Online), Offline: int64(c.Offline),
		Buffering: int64(c.Buffering), Buffered: int64(c.Buffered), Reconnects: int64(c.Reconnects), InFlight: int64(c.InFlight)}
}
