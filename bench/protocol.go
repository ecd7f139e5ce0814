package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The orchestrator and a contender process talk over the child's stdin and stdout:
//
//	orchestrator → child  argv: childRole -config JSON(childConfig)
//	child → orchestrator  "ready\n" once its client (and producer) is set up
//	orchestrator → child  "go\n": start the load now (all producers of a cell start together)
//	child → orchestrator  one line of JSON(childReport) when done, then exit 0
//
// Anything on the child's stderr is kept for the error message if it fails.

// childRole is the hidden first argument that makes the binary a contender process.
const childRole = "__contender"

const (
	lineReady = "ready"
	lineGo    = "go"
)

// childConfig is what one contender process runs.
type childConfig struct {
	Endpoint  string        `json:"endpoint"`
	Stream    string        `json:"stream"`
	Contender Contender     `json:"contender"`
	DataBytes int           `json:"data_bytes"`
	Keys      string        `json:"keys"`
	Rate      float64       `json:"rate"` // records/s offered by this process
	Duration  time.Duration `json:"duration"`
	Drain     time.Duration `json:"drain"`
	Seed      uint64        `json:"seed"`
	Workers   int           `json:"workers"`
	Queue     int           `json:"queue"`
	// Fleet, in the fleet situation, makes the contender a fleet of small clients.
	Fleet *childFleet `json:"fleet,omitempty"`
	// CPUProfile, if set, is the file the process writes its CPU profile to.
	CPUProfile string `json:"cpu_profile,omitempty"`
	// MemProfile, if set, is the path prefix of the process's heap profiles (PREFIX.heap.pprof at
	// the end of the load, PREFIX.peak.heap.pprof near its peak) and memory statistics at its
	// peak (PREFIX.memstats.txt).
	MemProfile string `json:"mem_profile,omitempty"`
}

func (c childConfig) validate() error {
	var errs []error
	if c.Endpoint == "" || c.Stream == "" {
		errs = append(errs, errors.New("endpoint and stream are required"))
	}
	if !knownContender(c.Contender) {
		errs = append(errs, fmt.Errorf("unknown contender %q", c.Contender))
	}
	if c.DataBytes < 1 || c.Rate <= 0 || c.Duration <= 0 || c.Drain < 0 {
		errs = append(errs, fmt.Errorf("want data_bytes ≥ 1, rate > 0, duration > 0, drain ≥ 0; got %d, %g, %s, %s", c.DataBytes, c.Rate, c.Duration, c.Drain))
	}
	if c.Fleet != nil && (c.Contender == ContenderKPL || c.Contender == ContenderShardstorm) {
		errs = append(errs, fmt.Errorf("contender %q is not a fleet of clients", c.Contender))
	}
	if c.Workers < 1 || c.Queue < 1 {
		errs = append(errs, fmt.Errorf("want workers ≥ 1 and queue ≥ 1; got %d and %d", c.Workers, c.Queue))
	}
	return errors.Join(errs...)
}

func parseChildConfig(s string) (childConfig, error) {
	var c childConfig
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("bad -config: %w", err)
	}
	if err := c.validate(); err != nil {
		return c, fmt.Errorf("bad -config: %w", err)
	}
	return c, nil
}

// childReport is what a contender process saw, in its own terms. The orchestrator checks it
// against the emulator's counters.
type childReport struct {
	Buckets
	DeliveredBytes int64 `json:"delivered_bytes"` // data + partition key of the delivered records
	// WriteRequests counts PutRecord/PutRecords HTTP requests sent (SDK retries included);
	// OtherRequests the rest (ListShards, DescribeStreamSummary).
	WriteRequests int64 `json:"write_requests"`
	OtherRequests int64 `json:"other_requests"`
	// Latency is the HDR histogram (µs, V2 compressed, base64) of generation → acknowledged
	// success, per delivered record.
	Latency string `json:"latency"`
	// Late counts records handed over more than 10 ms after their scheduled time: the machine
	// or the contender held the generator back.
	Late uint64 `json:"late"`
	// PeakRSS is the process's own peak resident set size in bytes (0 where the OS does not say).
	PeakRSS   int64  `json:"peak_rss"`
	LastError string `json:"last_error,omitempty"`
	// Fleet is the fleet situation's figures of the clients (nil elsewhere).
	Fleet *childFleetReport `json:"fleet,omitempty"`
}

// childFleetReport is what a fleet of small clients did: its clients' extremes, and where the
// records handed over while they were offline ended (each counted where it happened).
type childFleetReport struct {
	Clients          clientFigures `json:"clients"`
	OfflinePut       int64         `json:"offline_put"`
	OfflineDelivered int64         `json:"offline_delivered"`
	OfflineFailed    int64         `json:"offline_failed"`
	OfflineExpired   int64         `json:"offline_expired"`
	OfflinePending   int64         `json:"offline_pending"`
	// LatencyOnline and LatencyOffline split Latency by whether the record was handed over while
	// the clients were online or offline (HDR histograms, as Latency).
	LatencyOnline  string `json:"latency_online"`
	LatencyOffline string `json:"latency_offline"`
}
