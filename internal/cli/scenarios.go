package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// scenario is a named preset of run flags: applied before the config file, the environment and
// the command line, which all override it.
type scenario struct {
	name, story string
	flags       [][2]string // flag name, value; in order
}

var scenarios = []scenario{
	{"hot-key", "half of all records share one partition key: one shard throttles while the others idle",
		[][2]string{{"keys", "hot:0.5"}}},
	{"under-provisioned", "12000 records/s of ~500 bytes on 2 shards: about 3x what the stream can take",
		[][2]string{{"shards", "2"}, {"rate", "12000"}, {"record-size", "500"}}},
	{"small-records-without-aggregation", "8000 records/s of 50 bytes, not aggregated: the records/s limit binds long before bytes/s",
		[][2]string{{"record-size", "50"}, {"aggregation", "false"}, {"rate", "8000"}}},
	{"internal-failures", "the emulator fails 5% of records with InternalFailure: watch retries and latency",
		[][2]string{{"fault-internal-failure-rate", "0.05"}}},
	{"kms-denied", "the stream is KMS-encrypted and the producer may not use the key: every write fails with KMSAccessDeniedException",
		[][2]string{{"encrypt-stream", "alias/shardstorm-demo"}, {"fault-kms-denied", "true"}}},
	{"api-throttling", "a monitoring poller calls DescribeStream 20 times a second beside the load: the account allows 10",
		[][2]string{{"describe-poll-rate", "20"}}},
	{"latency-bound", "every PutRecords round trip takes 250 ms and the producer holds one request in flight, without aggregation: the producer, not the stream, is the limit",
		[][2]string{{"keys", "random"}, {"rate", "3000"}, {"aggregation", "false"}, {"max-connections", "1"}, {"fault-latency", "250ms"}}},
	{"records-expiring", "the under-provisioned stream with RecordTtl 2s: records wait behind throttles longer than they may live",
		[][2]string{{"shards", "2"}, {"rate", "12000"}, {"record-size", "500"}, {"record-ttl", "2s"}}},
	{"rate-limit-too-low", "RateLimit 30%: the producer's own limiter caps each shard at 300 records/s and 0.3 MiB/s while the shards could take more than twice that",
		[][2]string{{"keys", "random"}, {"rate-limit", "30"}, {"adaptive", "false"}}},
	{"workload-behind", "ten million records/s asked of one generator: no machine keeps that schedule, so the generator is the limit",
		[][2]string{{"keys", "random"}, {"rate", "10000000"}, {"record-size", "100"}}},
	{"putrecord-rounding", "1,500 records/s of 1,064 bytes into one shard, one PutRecord call each: each record counts 2 KiB against the shard's 1 MiB/s, so it takes 512/s where PutRecords would carry 985",
		[][2]string{{"producer", "putrecord"}, {"shards", "1"}, {"record-size", "1064"}, {"rate", "1500"}, {"keys", "random"}}},
	{"mobile-fleet", "2,000 phones on mobile networks (about 120 ms away, dropping now and then) batching with PutRecords every 2 s: each buffers offline and flushes when it reconnects",
		[][2]string{{"producer", "putrecords"}, {"clients", "2000"}, {"client-interval", "2s"}, {"client-batch", "100"},
			{"connectivity", "flaky:60s/10s"}, {"fault-latency", "lognormal:120ms:0.5"}, {"rate", "2000"}, {"record-size", "300"}, {"keys", "random"}}},
	{"iot-flaky", "1,000 devices 50 ms away, sending every second, lose the network together for 10 s, 20 s in, then reconnect at once: the burst after the outage, and its throttling",
		[][2]string{{"producer", "putrecords"}, {"clients", "1000"}, {"client-interval", "1s"}, {"connectivity", "outage:20s:10s"},
			{"fault-latency", "50ms"}, {"shards", "2"}, {"rate", "1500"}, {"record-size", "200"}, {"keys", "random"}}},
	{"browser-putrecord", "500 browsers each calling PutRecord on the user's click, 80 ms away from the service: the put is on the critical path",
		[][2]string{{"producer", "putrecord"}, {"clients", "500"}, {"max-connections", "1"}, {"fault-latency", "lognormal:80ms:0.5"},
			{"rate", "1000"}, {"record-size", "800"}, {"keys", "random"}}},
	{"reshard-under-load", "the stream doubles its shards (UpdateShardCount) 20 s into the load: watch the map refresh and the hotspot split",
		[][2]string{{"reshard-after", "20s"}}},
}

func findScenario(name string) (scenario, error) {
	var names []string
	for _, s := range scenarios {
		if s.name == name {
			return s, nil
		}
		names = append(names, s.name)
	}
	hint := ""
	if c := closest(name, names); c != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", c)
	}
	return scenario{}, fmt.Errorf("unknown scenario %q%s; scenarios: %s", name, hint, strings.Join(names, ", "))
}

func (s scenario) flagString() string {
	var parts []string
	for _, f := range s.flags {
		parts = append(parts, "--"+f[0]+"="+f[1])
	}
	return strings.Join(parts, " ")
}

// newScenariosCommand is `shardstorm scenarios`: the presets --scenario takes.
func newScenariosCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "scenarios",
		Short: "list the presets of run --scenario NAME",
		Long:  "Lists the presets of `shardstorm run --scenario NAME`.",
		Args:  noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			stdout := cmd.OutOrStdout()
			fmt.Fprintln(stdout, "Scenarios (shardstorm run --scenario NAME; a config file, SHARDSTORM_* and flags override them):")
			for _, s := range scenarios {
				fmt.Fprintf(stdout, "\n  %s\n      %s\n      sets: %s\n", s.name, s.story, s.flagString())
			}
		},
	}
}
