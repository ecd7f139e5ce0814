// Package emulator is an in-process emulator of Amazon Kinesis Data Streams and of the CloudWatch
// metrics Kinesis publishes, faithful to the real service's write limits. It speaks the same wire
// protocols as AWS (awsJson1_1 for Kinesis, Smithy RPCv2 CBOR for CloudWatch) so the real
// aws-sdk-go-v2 clients — and any other AWS SDK or tool — drive it over HTTP.
//
// Everything it enforces reads an injectable Clock, so tests can check the accounting exactly.
//
// It is usable alone: it imports nothing of shardstorm but the shared leaves under internal/
// (internal/hashkey for hash keys and routing), which import nothing of ours; internal/archtest
// holds that rule. Its KPL record counter is deliberately its own (kpl_count.go).
package emulator

import (
	"math/rand/v2"
	"net/http"
	"sync"
)

// Emulator holds the emulated account: its streams, rate limits, faults and metrics. It is an
// http.Handler serving both Kinesis and CloudWatch; Start serves it on a loopback port.
type Emulator struct {
	cfg   Config
	clock Clock

	mu      sync.Mutex // guards streams, account-level buckets, faults and rng
	streams map[string]*stream
	account accountLimits
	faults  Faults
	rng     *rand.Rand

	faultStats FaultStats
	// hold holds requests unanswered: while paused (Pause), in the black hole, until shutdown.
	hold *holdGate

	metrics *metricStore
}

// New builds an emulator, creating cfg.Streams ACTIVE.
func New(cfg Config) (*Emulator, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	e := &Emulator{
		cfg:     cfg,
		clock:   cfg.Clock,
		streams: map[string]*stream{},
		faults:  cfg.Faults,
		rng:     rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)),
		metrics: newMetricStore(cfg.MetricRetention),
		hold:    newHoldGate(),
	}
	e.account = newAccountLimits(cfg.Limits.ControlPlane, e.clock.Now())
	for _, s := range cfg.Streams {
		if err := e.CreateStream(s); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// SetFaults replaces the injected faults; it takes effect on the next request.
func (e *Emulator) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	e.mu.Lock()
	e.faults = f
	e.mu.Unlock()
	return nil
}

// Faults returns the faults currently injected.
func (e *Emulator) Faults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults
}

// Config returns the emulator's effective configuration (defaults filled in).
func (e *Emulator) Config() Config { return e.cfg }

const cloudWatchPathPrefix = "/service/GraniteServiceVersion20100801/operation/"

// ServeHTTP routes CloudWatch (RPCv2 CBOR by path, awsJson1_0 by X-Amz-Target, awsQuery by its
// form body) and Kinesis (awsJson1_1, by X-Amz-Target).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	watchBody(w, r, e.cfg.BodyStallTimeout)
	setRequestID(w)
	if c, op, ok := cloudWatchRoute(r); ok {
		e.serveCloudWatch(w, r, c, op)
		return
	}
	e.serveKinesis(w, r)
}
