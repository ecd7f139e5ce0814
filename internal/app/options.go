package app

import (
	"io"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// Options describe one run.
type Options struct {
	// Stream is the stream to load. Default "shardstorm-demo".
	Stream string
	// Backend: with Endpoint empty and AWS false, an embedded emulator serves the stream
	// (created with Shards shards). Endpoint points at another Kinesis-compatible service
	// (kinesis-mock, LocalStack); AWS uses the standard configuration chain (Region, Profile,
	// environment, shared files, SSO). The stream must exist unless CreateStream is set.
	Endpoint     string
	AWS          bool
	Region       string
	Profile      string
	Shards       int // default 4
	CreateStream bool

	// Emulator configures the embedded emulator (limits, faults); its Streams are ignored.
	Emulator emulator.Config
	// InProcess reaches the embedded emulator through emulator.InMemTransport instead of a
	// loopback socket: for tests that run a whole run inside a testing/synctest bubble, where
	// a socket would block outside the bubble. Users always get the socket.
	InProcess bool
	// Producer configures shardstorm's engine (and, for a fleet, PutRecord's threads from
	// MaxConnections, the request timeout and RecordTtl); its StreamName and Hooks are set by the run.
	Producer producer.Config
	// Engine picks the producer (--producer) and shapes a fleet of simple clients.
	Engine EngineOptions
	// Workload is the load offered.
	Workload workload.Spec
	// SampleInterval and Window: see metrics.Config. Defaults 250 ms and 10 minutes.
	SampleInterval time.Duration
	Window         time.Duration
	// CloudWatch polls the stream's CloudWatch metrics. Default on (set NoCloudWatch to skip).
	NoCloudWatch bool
	// Publish uploads the producer's metrics to CloudWatch (`--publish-metrics`). Default off.
	Publish PublishOptions
	// EncryptStream, on the embedded emulator, KMS-encrypts the stream with this key id before
	// the load starts (with Emulator.Faults.KMSAccessDenied: the KMS permission story).
	EncryptStream string
	// DescribeStreamPerSec, if > 0, runs a DescribeStream poller beside the load at this rate
	// (the account allows 10/s): the API-limit story.
	DescribeStreamPerSec float64
	// ReshardAfter, if > 0, doubles the stream's shards (UpdateShardCount) once the load has
	// run this long: the reshard-under-load story.
	ReshardAfter time.Duration
	// CSV, if set, receives every sample of the whole run as long-format CSV
	// (time,stream,shard,series,value); Stop flushes it.
	CSV io.Writer
	// inProcessClient, if set with InProcess, is what the run's SDK clients send through instead
	// of an emulator.InMemTransport to the embedded emulator: tests put faults between them (the
	// emulator killed and restarted, its state lost).
	inProcessClient func(*emulator.Emulator) aws.HTTPClient

	// Verify stamps every record's payload with an envelope (verify.EnvelopeLen bytes: the run's
	// id and the record's sequence number) and keeps what the producer said about each, so that
	// Run.Verify, after Stop, can read the stream back and check the run against it.
	Verify bool
	// Status, if set, receives a line when a start-up call keeps the run waiting ("waiting for
	// ListShards at URL…"): the headless run's stderr, before the dashboard takes the screen.
	Status io.Writer
}

// DefaultWorkload is what `shardstorm` offers with no flags: enough to show a hotspot within
// seconds on the default 4-shard stream — 6000 records/s of ~500 bytes (about 3 MiB/s, 70% of
// the stream's 4 MiB/s), 30% of them on one hot key, which drives that key's shard past its
// 1 MiB/s limit while the others idle near half. Press h / H to grow or dissolve the hotspot.
func DefaultWorkload() workload.Spec {
	s := workload.DefaultSpec()
	s.Rate = 6000
	s.Keys, _ = workload.ParseKeys("hot:0.3")
	s.Size, _ = workload.ParseSize("normal:500:100")
	return s
}

func (o Options) withDefaults() Options {
	if o.Stream == "" {
		o.Stream = "shardstorm-demo"
	}
	if o.Shards == 0 {
		o.Shards = 4
	}
	// Only a workload left entirely unset is the demo's: a spec with rate 0 is not "no
	// workload" (it was the demo once, and `--rate 0 --duration 2s` never ended).
	if reflect.ValueOf(o.Workload).IsZero() {
		o.Workload = DefaultWorkload()
	}
	return o
}

// Backend names the backend for the header: "local", "endpoint" or "AWS".
func (o Options) Backend() string {
	switch {
	case o.AWS:
		return "AWS"
	case o.Endpoint != "":
		return "endpoint"
	}
	return "local"
}
