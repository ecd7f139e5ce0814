package app

import (
	"fmt"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/verify"
	"github.com/shardstorm/shardstorm/workload"
)

// knobs is the one table of settings (see Knob). Ranges that involve several knobs, or the
// backend, are checked when the command line builds the run's Options; a live producer knob is
// validated by producer.Config.Validate, whose field errors name the knob through
// KnobForConfigField.
var knobs = concat(
	workloadKnobs(),
	producerProfileKnobs(),
	[]Knob{
		producerKnob("rate-limit", KindFloat, "producer RateLimit, `PERCENT` of each shard's limits",
			func(c *producer.Config) *float64 { return &c.RateLimit }, positive(parseFloat), formatFloat, true).forField("RateLimit"),
		producerKnob("aggregation", KindBool, "KPL aggregation of user records into Kinesis records",
			func(c *producer.Config) *bool { return &c.DisableAggregation }, parseNotBool, formatNotBool, true),
		producerKnob("adaptive", KindBool, "adaptive per-shard rate limiting",
			func(c *producer.Config) *bool { return &c.DisableAdaptive }, parseNotBool, formatNotBool, true),
		producerKnob("max-connections", KindInt, "PutRecords requests in flight",
			func(c *producer.Config) *int { return &c.MaxConnections }, positive(parseInt), fmtInt, true).forField("MaxConnections"),
		producerKnob("record-ttl", KindDuration, "how long a record is retried before it expires",
			func(c *producer.Config) *time.Duration { return &c.RecordTtl }, positive(parseDuration), formatDuration, false).forField("RecordTtl"),
		producerKnob("record-max-buffered-time", KindDuration, "how long a record may wait to be batched",
			func(c *producer.Config) *time.Duration { return &c.RecordMaxBufferedTime }, positive(parseDuration), formatDuration, true).forField("RecordMaxBufferedTime"),
		producerKnob("request-timeout", KindDuration, "timeout of one PutRecords request",
			func(c *producer.Config) *time.Duration { return &c.RequestTimeout }, positive(parseDuration), formatDuration, false).forField("RequestTimeout"),
		producerKnob("fail-if-throttled", KindBool, "fail throttled records instead of retrying them",
			func(c *producer.Config) *bool { return &c.FailIfThrottled }, parseBool, formatBool, true),
		producerKnob("max-buffered-records", KindInt, "records the producer may hold before Put waits",
			func(c *producer.Config) *int { return &c.MaxBufferedRecords }, positive(parseInt), fmtInt, false).forField("MaxBufferedRecords"),
		producerKnob("aggregation-max-size", KindInt, "bytes of one aggregated record",
			func(c *producer.Config) *int { return &c.AggregationMaxSize }, positive(parseInt), fmtInt, false).forField("AggregationMaxSize"),
		producerKnob("collection-max-count", KindInt, "Kinesis records per PutRecords request",
			func(c *producer.Config) *int { return &c.CollectionMaxCount }, positive(parseInt), fmtInt, false).forField("CollectionMaxCount"),

		knobFor("stream", KindString, "stream `NAME`", func(s *RunSettings) *string { return &s.Options.Stream }, parseStreamName, formatString).alsoWatch(),
		knobFor("shards", KindInt, fmt.Sprintf("shards of the embedded emulator's stream (and of a stream --create-stream makes), 1..%d", MaxShards),
			func(s *RunSettings) *int { return &s.Options.Shards }, parseInt, fmtInt),
		knobFor("endpoint", KindString, "a Kinesis-compatible endpoint `URL` (kinesis-mock, LocalStack, shardstorm emulator) instead of the embedded emulator",
			func(s *RunSettings) *string { return &s.Options.Endpoint }, parseEndpoint, formatString).alsoWatch(),
		boolean("aws", "use real AWS through the standard configuration chain (environment, shared files, profiles, SSO)",
			func(s *RunSettings) *bool { return &s.Options.AWS }).alsoWatch(),
		str("region", "AWS region (implies --aws unless --endpoint)", func(s *RunSettings) *string { return &s.Options.Region }).alsoWatch(),
		str("profile", "AWS shared-config profile (implies --aws unless --endpoint)", func(s *RunSettings) *string { return &s.Options.Profile }).alsoWatch(),
		boolean("create-stream", "create the stream if it does not exist (against --endpoint or AWS)",
			func(s *RunSettings) *bool { return &s.Options.CreateStream }),
		boolean("no-cloudwatch", "do not poll the stream's CloudWatch metrics", func(s *RunSettings) *bool { return &s.Options.NoCloudWatch }),
		str("encrypt-stream", "embedded emulator: KMS-encrypt the stream with this key `ID` before the load",
			func(s *RunSettings) *string { return &s.Options.EncryptStream }),
		knobFor("describe-poll-rate", KindFloat, "run a DescribeStream poller beside the load at `CALLS/S` (the account allows 10/s; 0 = none)",
			func(s *RunSettings) *float64 { return &s.Options.DescribeStreamPerSec }, within(0, 1000, " calls/s"), formatFloat),
		knobFor("reshard-after", KindDuration, "UpdateShardCount to twice the shards once the load has run this long (explicit: it reshards the stream; 0 = never)",
			func(s *RunSettings) *time.Duration { return &s.Options.ReshardAfter }, above(0, true, parseDuration), formatDuration),
		boolean("verify", fmt.Sprintf("after the load, read the stream back and check every record against what the producer said (each payload gets a %d-byte envelope; exit 1 on data loss)", verify.EnvelopeLen),
			func(s *RunSettings) *bool { return &s.Options.Verify }),

		knobFor("size-accounting", KindString, "embedded emulator: how writes count against a shard's bytes limit: rounded (AWS's documented rule: PutRecord rounds each record up to the next KiB, PutRecords the call's sum per shard) or raw (the bytes sent)",
			func(s *RunSettings) *emulator.SizeAccounting { return &s.Options.Emulator.Limits.SizeAccounting }, emulator.ParseSizeAccounting,
			func(a emulator.SizeAccounting) string { return string(a) }),
		knobFor("fault-internal-failure-rate", KindFloat, "embedded emulator fault: probability of InternalFailure per record",
			func(s *RunSettings) *float64 { return &s.Faults.InternalFailureRate }, parseFloat, formatFloat),
		knobFor("fault-server-error-rate", KindFloat, "embedded emulator fault: probability of a 500/503 per request",
			func(s *RunSettings) *float64 { return &s.Faults.ServerErrorRate }, parseFloat, formatFloat),
		str("fault-latency", "embedded emulator fault: added request latency: 20ms, 10ms-50ms or lognormal:20ms:0.5 (0 = none)",
			func(s *RunSettings) *string { return &s.Faults.Latency }),
		str("fault-answer-latency", "embedded emulator fault: delay after the write took effect, before the answer (a client timeout shorter than it stores without knowing): 20ms, 10ms-50ms or lognormal:20ms:0.5 (0 = none)",
			func(s *RunSettings) *string { return &s.Faults.AnswerLatency }),
		boolean("fault-kms-denied", "embedded emulator fault: writes to KMS-encrypted streams fail with KMSAccessDeniedException",
			func(s *RunSettings) *bool { return &s.Faults.KMSDenied }),
		knobFor("fault-control-plane-throttle-rate", KindFloat, "embedded emulator fault: probability of LimitExceededException per control-plane call",
			func(s *RunSettings) *float64 { return &s.Faults.ControlPlaneThrottleRate }, parseFloat, formatFloat),

		boolean("headless", "no dashboard: progress lines on stderr, then the summary (for CI and load agents)",
			func(s *RunSettings) *bool { return &s.Headless }),
		knobFor("progress-every", KindDuration, "headless: how often to print a progress line",
			func(s *RunSettings) *time.Duration { return &s.ProgressEvery }, above(0, false, parseDuration), formatDuration),
		knobFor("metrics-addr", KindString, "serve live values for Prometheus at http://`ADDR`/metrics, e.g. 127.0.0.1:9464 (port 0: a free one, printed at the start), "+
			`and the control API at /control: GET reads the settings, PATCH {"rate": 5000, "keys": "pool:100", "rate_limit": 120, "paused": false} changes them `+
			"(checked as the Settings view checks them, logged in the event log; on loopback only unless --allow-remote-control)",
			func(s *RunSettings) *string { return &s.MetricsAddr }, parseListenAddr, formatString),
		boolean("allow-remote-control", "serve the control API (/control) on a --metrics-addr that is not loopback: it has no authentication, so anyone who reaches the port can change the load",
			func(s *RunSettings) *bool { return &s.AllowRemoteControl }),
		knobFor("report", KindString, "write the run's JSON summary to `FILE` at the end (schema: metrics/summary.schema.json)",
			func(s *RunSettings) *string { return &s.Report }, parseOutputPath, formatString),
		knobFor("csv", KindString, "write every sample of the run to `FILE` (long CSV: time,stream,shard,series,value)",
			func(s *RunSettings) *string { return &s.CSV }, parseOutputPath, formatString),
		knobFor("cpuprofile", KindString, "write a CPU profile of the whole run to `FILE` (go tool pprof reads it): where shardstorm's own CPU goes, e.g. per record",
			func(s *RunSettings) *string { return &s.CPUProfile }, parseOutputPath, formatString),
		knobFor("max-throttled", KindPercent, "threshold: fail (exit 3) if more than this `PERCENT` of Kinesis records were throttled",
			func(s *RunSettings) *Percent { return &s.MaxThrottled }, parsePercent, Percent.String),
		knobFor("max-failed", KindInt, "threshold: fail (exit 3) if more than this many user `RECORDS` failed, maybe stored ones (sent, no answer) included (default 0: any)",
			func(s *RunSettings) *int { return &s.MaxFailed }, parseCount, formatCount),
		knobFor("min-put-rate", KindFloat, "threshold: fail (exit 3) if fewer user `RECORDS/S` were put on average (0 = no threshold)",
			func(s *RunSettings) *float64 { return &s.MinPutRate }, above(0, true, parseFloat), formatFloat),
		knobFor("max-p99", KindDuration, "threshold: fail (exit 3) if the end-to-end p99 latency exceeds this (0 = no threshold)",
			func(s *RunSettings) *time.Duration { return &s.MaxP99 }, above(0, true, parseDuration), formatDuration),
	},
	publishKnobs(),
)

// workloadKnobs are --workload FILE and one knob per workload spec field (workload.Fields),
// with the dashboard's hot-fraction after keys. Rate, keys and record size are live.
func workloadKnobs() []Knob {
	out := []Knob{str("workload", "workload `FILE` (YAML); flags given override its fields",
		func(s *RunSettings) *string { return &s.Workload.File })}
	for _, f := range workload.Fields() {
		check := workloadChecks[f.Name]
		if check == nil {
			check = func(string) error { return nil }
		}
		k := Knob{Name: workload.FlagName(f.Name), Kind: KindWorkload, Help: f.Usage,
			get: func(s *RunSettings) string { return s.Workload.Get(f.Name) },
			set: func(s *RunSettings, v string) error {
				if err := check(v); err != nil {
					return err
				}
				return s.Workload.Set(f.Name, v)
			}}
		if apply, ok := liveWorkload[f.Name]; ok {
			k.live = &liveKnob{get: apply.get, set: func(r *Run, v string) error {
				if err := check(v); err != nil {
					return err
				}
				spec := workload.DefaultSpec()
				if err := workload.SetField(&spec, f.Name, v); err != nil {
					return err
				}
				return apply.set(r, spec)
			}}
		}
		out = append(out, k)
		if f.Name == "keys" {
			out = append(out, hotFraction)
		}
	}
	return out
}

// liveWorkload are the workload fields a running generator changes: how to read each and how
// to apply it from a spec that has it set.
var liveWorkload = map[string]struct {
	get func(*Run) string
	set func(*Run, workload.Spec) error
}{
	"rate":        {func(r *Run) string { return fmt.Sprintf("%.0f", r.gen.Stats().TargetRate) }, func(r *Run, s workload.Spec) error { return r.gen.SetRate(s.Rate) }},
	"keys":        {func(r *Run) string { return r.gen.Stats().Keys }, func(r *Run, s workload.Spec) error { return r.gen.SetKeys(s.Keys) }},
	"record_size": {func(r *Run) string { return r.gen.Stats().Size }, func(r *Run, s workload.Spec) error { return r.gen.SetSizes(s.Size) }},
}

// alsoWatch makes the knob a flag of `shardstorm watch` too (the stream and the backend).
func (k Knob) alsoWatch() Knob { k.Watch = true; return k }

// forField names the producer Config field a knob sets, so a producer.ConfigError on that
// field names the knob.
func (k Knob) forField(field string) Knob { k.configField = field; return k }

// KnobForConfigField is the knob that sets a producer Config field (producer.ConfigError.Field).
func KnobForConfigField(field string) (Knob, bool) {
	for _, k := range knobs {
		if k.configField == field && field != "" {
			return k, true
		}
	}
	return Knob{}, false
}

func str(name, help string, field func(*RunSettings) *string) Knob {
	return knobFor(name, KindString, help, field, parseString, formatString)
}

func boolean(name, help string, field func(*RunSettings) *bool) Knob {
	return knobFor(name, KindBool, help, field, parseBool, formatBool)
}

func fmtInt(n int) string { return fmt.Sprint(n) }

func concat(parts ...[]Knob) []Knob {
	var out []Knob
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
