package app

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// producerProfileKnobs pick the producer (--producer) and shape a fleet of simple clients.
func producerProfileKnobs() []Knob {
	return []Knob{
		knobFor("producer", KindString, "the `PRODUCER` that loads the stream: shardstorm (its engine), kpl (the same as the KPL behaves: static --rate-limit 150, no adaptive limiting), putrecords (clients batching with PutRecords, re-sending failed entries) or putrecord (one PutRecord call per record from --max-connections threads)",
			func(s *RunSettings) *string { return &s.Options.Engine.Profile }, parseProfile, formatProfile),
		knobFor("clients", KindInt, "--producer putrecords|putrecord: how many independent small clients (apps, devices, browsers), each with its own connection and buffer, up to 100000 (0 = one)",
			func(s *RunSettings) *int { return &s.Options.Engine.Clients }, between(0, MaxClients), fmtInt),
		knobFor("client-batch", KindInt, "--producer putrecords: records per PutRecords call of each client, 1..500 (0 = 500)",
			func(s *RunSettings) *int { return &s.Options.Engine.ClientBatch }, between(0, 500), fmtInt),
		knobFor("client-interval", KindDuration, "fleet: how long each client gathers records before it sends them (0 = send as soon as a request can go)",
			func(s *RunSettings) *time.Duration { return &s.Options.Engine.ClientInterval }, above(0, true, parseDuration), formatDuration),
		knobFor("client-buffer", KindInt, "fleet: records each client holds while offline or behind before Put waits (0 = 10000)",
			func(s *RunSettings) *int { return &s.Options.Engine.ClientBuffer }, between(0, 1_000_000), fmtInt),
		knobFor("connectivity", KindString, "fleet: the clients' network: always, flaky:UP/DOWN (each client up for about UP, then down for about DOWN) or outage:AT:FOR (every client offline from AT for FOR, then all reconnect at once)",
			func(s *RunSettings) *string { return &s.Options.Engine.Connectivity }, parseConnectivity, formatString),
	}
}

func formatProfile(p string) string {
	if p == "" {
		return ProfileShardstorm
	}
	return p
}

// MaxClients bounds --clients: a fleet of simple clients costs memory per client (its buffer,
// its connection's state); beyond this, run more processes.
const MaxClients = 100_000

// between takes a whole number in [lo, hi].
func between(lo, hi int) func(string) (int, error) {
	return func(s string) (int, error) {
		n, err := parseInt(s)
		if err != nil {
			return 0, err
		}
		if n < lo || n > hi {
			return 0, fmt.Errorf("want %d..%d", lo, hi)
		}
		return n, nil
	}
}

// CheckEngine checks the producer knobs together: the fleet's knobs need a fleet. The error
// names both flags.
func CheckEngine(e EngineOptions) error {
	p := formatProfile(e.Profile)
	if IsFleetProfile(p) {
		if e.ClientBatch > 0 && p == ProfilePutRecord {
			return errors.New("--client-batch with --producer putrecord: PutRecord sends one record per call (use --producer putrecords to batch)")
		}
		return nil
	}
	var set []string
	for _, k := range []struct {
		name string
		on   bool
	}{{"clients", e.Clients > 0}, {"client-batch", e.ClientBatch > 0}, {"client-interval", e.ClientInterval > 0},
		{"client-buffer", e.ClientBuffer > 0}, {"connectivity", e.Connectivity != "" && e.Connectivity != "always"}} {
		if k.on {
			set = append(set, "--"+k.name)
		}
	}
	if set == nil {
		return nil
	}
	return fmt.Errorf("%s with --producer %s: a fleet's settings need --producer putrecords or putrecord", strings.Join(set, ", "), p)
}
