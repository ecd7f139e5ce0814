// Package workload is what the load tester offers to the producer: a Generator that emits
// records to a Sink on a schedule set by the clock (open model), with rate shapes (pacers),
// partition-key strategies, record sizes and payloads, all adjustable while it runs.
//
// Sends are scheduled by the clock, not by the sink's responses (vegeta's Pacer idea): when the
// sink cannot keep up, the generator does not slow down silently, it counts records as late or
// dropped against the schedule (k6's dropped_iterations idea). See Stats for the exact meanings.
//
// A workload is described by a Spec, read from a YAML file (LoadSpecFile), from flags
// (Overrides) or built in Go; every field has a compact string form ("zipf:1.1:1000",
// "ramp:1000-10000:60s", "normal:500:100", ...) shared by the file and the flags. The same Spec
// and seed produce the same keys, sizes and payloads.
//
// The package never imports the producer, which it reaches through Sink; of shardstorm it imports
// only the shared leaf internal/hashkey (hash keys and shard ranges, the same routing the
// producer and the emulator use). internal/archtest holds that rule.
package workload
