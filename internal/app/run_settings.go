package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
	cwmetrics "github.com/shardstorm/shardstorm/metrics/cloudwatch"
	"github.com/shardstorm/shardstorm/producer"
	"github.com/shardstorm/shardstorm/workload"
)

// RunSettings is everything the knobs of `shardstorm run` set: the run's Options and what the
// command line does around the run (headless output, thresholds, files). The command line
// checks the settings together and builds the run's Options from them.
type RunSettings struct {
	Options  Options
	Workload *workload.Overrides // built into Options.Workload when the settings are checked
	Faults   FaultSettings       // the embedded emulator's injected faults, checked with the rest

	Headless      bool
	ProgressEvery time.Duration
	MetricsAddr   string
	Report, CSV   string
	CPUProfile    string // a CPU profile of the whole run, written at its end
	MaxThrottled  Percent
	MaxFailed     int // user records failed (maybe stored, not stored, never sent), at most
	MinPutRate    float64
	MaxP99        time.Duration

	// AllowRemoteControl serves the control API on a MetricsAddr beyond loopback.
	AllowRemoteControl bool
}

// FaultSettings are the --fault-* knobs, as given (the latencies still as text).
type FaultSettings struct {
	InternalFailureRate, ServerErrorRate, ControlPlaneThrottleRate float64
	Latency, AnswerLatency                                         string
	KMSDenied                                                      bool
}

// DefaultRunSettings are the settings of `shardstorm` with no flags: the demo.
func DefaultRunSettings() *RunSettings {
	return &RunSettings{
		Options: Options{Stream: "shardstorm-demo", Shards: 4, Producer: producer.DefaultConfig(""),
			Emulator: emulator.Config{Limits: emulator.Limits{SizeAccounting: emulator.SizeRounded}},
			Publish:  PublishOptions{Namespace: cwmetrics.DefaultPublisherNamespace, Agent: defaultAgentName(), Granularity: string(cwmetrics.PublisherStream)}},
		Workload:      workload.NewOverrides(DefaultWorkload()),
		ProgressEvery: 5 * time.Second,
	}
}

// Percent is a threshold in percent ("1%" or "1"), unset until given.
type Percent struct {
	Set      bool
	Fraction float64
}

func (p Percent) String() string {
	if !p.Set {
		return ""
	}
	return strconv.FormatFloat(100*p.Fraction, 'g', -1, 64) + "%"
}

func parsePercent(s string) (Percent, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 100 {
		return Percent{}, fmt.Errorf("want a percentage in [0, 100], e.g. 1%%")
	}
	return Percent{Set: true, Fraction: v / 100}, nil
}
