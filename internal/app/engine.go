package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shardstorm/shardstorm/metrics"
	"github.com/shardstorm/shardstorm/producer"
)

// Engine is what a run loads the stream through (--producer): shardstorm's producer, as its own
// engine or configured as the KPL behaves, or a fleet of simple clients calling PutRecords or
// PutRecord. The workload's sink, the sampler and the controls drive it through this.
type Engine interface {
	Put(ctx context.Context, r producer.Record, done func(producer.Result)) error
	TryPut(r producer.Record, done func(producer.Result)) error
	Stats() producer.Stats
	Close(ctx context.Context) error
}

// tunable is an engine whose configuration changes while it runs: shardstorm's producer (either
// profile). A fleet of simple clients has no limiter, aggregation or buckets to change.
type tunable interface {
	Config() producer.Config
	Reconfigure(func(*producer.Config)) error
}

// The producer profiles, the values of --producer.
const (
	ProfileShardstorm = "shardstorm" // shardstorm's engine, its defaults
	ProfileKPL        = "kpl"        // the same engine as the KPL behaves (producer.KPLBehaviour)
	ProfilePutRecords = "putrecords" // a fleet of clients batching with PutRecords, re-sending failed entries
	ProfilePutRecord  = "putrecord"  // a fleet of clients making one PutRecord call per record from threads
)

// Profiles lists the profiles in the order help names them.
var Profiles = []string{ProfileShardstorm, ProfileKPL, ProfilePutRecords, ProfilePutRecord}

func parseProfile(s string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	for _, q := range Profiles {
		if p == q {
			return p, nil
		}
	}
	return "", fmt.Errorf("want one of %s", strings.Join(Profiles, ", "))
}

// IsFleetProfile reports whether the profile is a fleet of simple clients (--clients applies).
func IsFleetProfile(p string) bool { return p == ProfilePutRecords || p == ProfilePutRecord }

// profile is the run's producer profile, the default when unset.
func (o Options) profile() string {
	if o.Engine.Profile == "" {
		return ProfileShardstorm
	}
	return o.Engine.Profile
}

// notThisProducer is the answer of a control that changes shardstorm's engine, asked of a run
// whose producer has none: the dashboard logs it rather than doing silently nothing.
func (r *Run) notThisProducer() error {
	return fmt.Errorf("not for --producer %s: %w", r.opts.profile(), ErrNotThisProducer)
}

// ErrNotThisProducer is wrapped by a control of shardstorm's engine asked of a fleet of simple
// clients (errors.Is): the control API answers it with 409 Conflict, not a bad value.
var ErrNotThisProducer = errors.New("a fleet of simple clients has no limiter, aggregation or token buckets to change")

// tunable returns the engine's live configuration, or the notThisProducer error.
func (r *Run) tunable() (tunable, error) {
	if t, ok := r.eng.(tunable); ok {
		return t, nil
	}
	return nil, r.notThisProducer()
}

// startEngine builds the run's engine for its profile.
func (r *Run) startEngine(ctx context.Context, pcfg producer.Config) (Engine, error) {
	var e Engine
	var err error
	switch r.opts.profile() {
	case ProfileShardstorm, ProfileKPL:
		if r.opts.profile() == ProfileKPL {
			pcfg = producer.KPLBehaviour(pcfg)
		}
		var p *producer.Producer
		if p, err = producer.New(ctx, r.client("producer (shard map)"), pcfg); err == nil {
			e = p // never a nil *Producer in the interface: teardown checks for nil
		}
	default:
		e, err = r.startFleet(ctx, pcfg)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// notThisProducerValue is what the Settings view shows for a knob of shardstorm's engine when
// the run's producer has none.
func notThisProducerValue(r *Run) string {
	return "— (not this producer: --producer " + r.opts.profile() + ")"
}

// describeProducer names the run's producer for the start event and the header.
func describeProducer(o Options) string {
	p := o.profile()
	if !IsFleetProfile(p) {
		return p
	}
	return fmt.Sprintf("%s × %d clients", p, max(o.Engine.Clients, 1))
}

// fleetSource is the engine's clients for the sampler, nil unless the engine is a fleet.
func fleetSource(e Engine) metrics.FleetSource {
	if f, ok := e.(metrics.FleetSource); ok {
		return f
	}
	return nil
}
