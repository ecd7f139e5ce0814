package emulator

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Faults are failures the emulator injects, set at start (Config.Faults) and changed at run time
// (Emulator.SetFaults). The zero value injects nothing.
type Faults struct {
	// InternalFailureRate is the probability, per PutRecords record, of failing it alone with
	// ErrorCode InternalFailure (and per PutRecord call of failing it with InternalFailure 500).
	InternalFailureRate float64
	// ServerErrorRate is the probability of answering a whole Kinesis request with HTTP 500
	// InternalFailure (or 503 ServiceUnavailable, alternately), before it takes effect.
	ServerErrorRate float64
	// Latency is added to every Kinesis request before it takes effect: a client that gives up
	// sooner leaves nothing done.
	Latency Latency
	// AnswerLatency is added after a Kinesis request took effect, before it is answered: a client
	// that gives up sooner leaves the write done without knowing it (a timeout that stored, the
	// cause of duplicates when it retries).
	AnswerLatency Latency
	// KMSAccessDenied makes writes to KMS-encrypted streams fail with KMSAccessDeniedException,
	// as when the caller lacks kms:GenerateDataKey on the stream's key.
	KMSAccessDenied bool
	// BlackHole makes every Kinesis request read and never answered: each is held until its
	// client gives up, and none takes effect (a server that accepts connections and hangs).
	BlackHole bool
	// ResetRate is the probability, per Kinesis request, of breaking the connection with no
	// answer: half of those (by a second draw) before the request takes effect, half after it
	// took effect (stored, and the client cannot know).
	ResetRate float64
	// ControlPlaneThrottleRate is the probability of answering a control-plane call (anything but
	// PutRecord, PutRecords, GetRecords, GetShardIterator) with LimitExceededException on top of
	// the real rate limits.
	ControlPlaneThrottleRate float64
}

func (f Faults) validate() error { return joinConfigErrors(f.configErrors()) }

func (f Faults) configErrors() []*ConfigError {
	var errs []*ConfigError
	for _, p := range []struct {
		name string
		v    float64
	}{{"InternalFailureRate", f.InternalFailureRate}, {"ServerErrorRate", f.ServerErrorRate}, {"ControlPlaneThrottleRate", f.ControlPlaneThrottleRate}, {"ResetRate", f.ResetRate}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			errs = append(errs, &ConfigError{Field: "Faults." + p.name, Value: p.v, Reason: "outside [0, 1]"})
		}
	}
	if err := f.Latency.validate(); err != nil {
		errs = append(errs, &ConfigError{Field: "Faults.Latency", Value: f.Latency, Reason: err.Error()})
	}
	if err := f.AnswerLatency.validate(); err != nil {
		errs = append(errs, &ConfigError{Field: "Faults.AnswerLatency", Value: f.AnswerLatency, Reason: err.Error()})
	}
	return errs
}

// Latency is a request latency distribution.
//   - Fixed:     every request waits Base.
//   - Uniform:   a wait drawn uniformly from [Base, Max].
//   - LogNormal: a log-normal wait with median Base and shape Sigma (a long right tail, as real
//     request latencies have).
type Latency struct {
	Kind  LatencyKind
	Base  time.Duration
	Max   time.Duration
	Sigma float64
}

// LatencyKind names a latency distribution.
type LatencyKind int

// Latency distributions.
const (
	LatencyNone LatencyKind = iota
	LatencyFixed
	LatencyUniform
	LatencyLogNormal
)

// ParseLatency reads "20ms" (fixed), "10ms-50ms" (uniform) or "lognormal:20ms:0.5" (median and
// sigma). An empty string or "0" means none.
func ParseLatency(s string) (Latency, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Latency{}, nil
	}
	if strings.HasPrefix(s, "-") { // not a range with an empty minimum
		return Latency{}, fmt.Errorf("latency %q: must not be negative", s)
	}
	if rest, ok := strings.CutPrefix(s, "lognormal:"); ok {
		med, sig, ok := strings.Cut(rest, ":")
		if !ok {
			return Latency{}, fmt.Errorf("latency %q: want lognormal:MEDIAN:SIGMA, e.g. lognormal:20ms:0.5", s)
		}
		d, err := time.ParseDuration(med)
		if err != nil {
			return Latency{}, fmt.Errorf("latency %q: median: %w", s, err)
		}
		sigma, err := strconv.ParseFloat(sig, 64)
		if err != nil {
			return Latency{}, fmt.Errorf("latency %q: sigma: %w", s, err)
		}
		l := Latency{Kind: LatencyLogNormal, Base: d, Sigma: sigma}
		return l, l.validate()
	}
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err1 := time.ParseDuration(lo)
		b, err2 := time.ParseDuration(hi)
		if err := errors.Join(err1, err2); err != nil {
			return Latency{}, fmt.Errorf("latency %q: want MIN-MAX, e.g. 10ms-50ms: %w", s, err)
		}
		l := Latency{Kind: LatencyUniform, Base: a, Max: b}
		return l, l.validate()
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return Latency{}, fmt.Errorf("latency %q: want 20ms, 10ms-50ms or lognormal:20ms:0.5: %w", s, err)
	}
	l := Latency{Kind: LatencyFixed, Base: d}
	return l, l.validate()
}

func (l Latency) String() string {
	switch l.Kind {
	case LatencyFixed:
		return l.Base.String()
	case LatencyUniform:
		return l.Base.String() + "-" + l.Max.String()
	case LatencyLogNormal:
		return "lognormal:" + l.Base.String() + ":" + strconv.FormatFloat(l.Sigma, 'g', -1, 64)
	}
	return "0"
}

func (l Latency) validate() error {
	switch {
	case l.Base < 0 || l.Max < 0:
		return fmt.Errorf("latency %s: durations must not be negative", l)
	case l.Kind == LatencyUniform && l.Max < l.Base:
		return fmt.Errorf("latency %s: max below min", l)
	case l.Kind == LatencyLogNormal && (l.Sigma < 0 || l.Sigma > 5 || math.IsNaN(l.Sigma)):
		return fmt.Errorf("latency %s: sigma must be in [0, 5]", l)
	case l.Kind < LatencyNone || l.Kind > LatencyLogNormal:
		return fmt.Errorf("unknown latency kind %d", l.Kind)
	}
	return nil
}

// draw picks one wait from the distribution.
func (l Latency) draw(r *rand.Rand) time.Duration {
	switch l.Kind {
	case LatencyFixed:
		return l.Base
	case LatencyUniform:
		if l.Max == l.Base {
			return l.Base
		}
		return l.Base + time.Duration(r.Int64N(int64(l.Max-l.Base)+1))
	case LatencyLogNormal:
		d := float64(l.Base) * math.Exp(l.Sigma*r.NormFloat64())
		return time.Duration(math.Min(d, float64(time.Minute)))
	}
	return 0
}
