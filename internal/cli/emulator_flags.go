package cli

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/emulator"
)

// emulatorFlagOf names the flag that sets each emulator.Config field, so the emulator's own
// range checks (which exist once, in the emulator) come back naming the flag (exit 2).
var emulatorFlagOf = map[string]string{
	"Limits.ShardBytesPerSec":         "shard-bytes-per-sec",
	"Limits.ShardRecordsPerSec":       "shard-records-per-sec",
	"Limits.MaxRequestBytes":          "max-request-bytes",
	"Limits.ShardLimit":               "shard-quota",
	"Limits.SizeAccounting":           "size-accounting",
	"CreateDelay":                     "create-delay",
	"DeleteDelay":                     "delete-delay",
	"ReshardDelay":                    "reshard-delay",
	"RetainRecordsPerShard":           "retain-records",
	"RetainBytesPerShard":             "retain-bytes",
	"Faults.InternalFailureRate":      "internal-failure-rate",
	"Faults.ServerErrorRate":          "server-error-rate",
	"Faults.ControlPlaneThrottleRate": "control-plane-throttle-rate",
	"Faults.Latency":                  "latency",
	"OnDemandTimeScale":               "on-demand-time-scale",
	"Faults.ResetRate":                "reset-rate",
	"Faults.AnswerLatency":            "answer-latency",
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`) // us-east-1, or a local name such as "local"
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// config checks every flag value and builds the emulator's configuration. Each refusal names
// its flag (exit 2) before anything listens, so a bad value never turns into a panic, a hang,
// a silent default or an internal field name.
func (e emulatorFlags) config() (emulator.Config, error) {
	var errs []error
	refuse := func(flag string, v any, why string) {
		errs = append(errs, fmt.Errorf("--%s %v: %s", flag, v, why))
	}
	if err := positiveDuration("log-every", e.logEvery); err != nil {
		errs = append(errs, err)
	}
	if err := checkLoopback(e.addr, e.allowRemote); err != nil {
		errs = append(errs, err)
	}
	if !regionPattern.MatchString(e.region) {
		refuse("region", strconv.Quote(e.region), "want a region name such as us-east-1")
	}
	if !accountPattern.MatchString(e.account) {
		refuse("account", strconv.Quote(e.account), "want a 12-digit account id such as 123456789012")
	}
	// The emulator reads 0 in these as "AWS's default": on the command line, where the default
	// is already shown, 0 would silently mean something other than what was typed.
	for _, p := range []struct {
		flag string
		v    int64
	}{
		{"shard-bytes-per-sec", e.bytesPerSec}, {"shard-records-per-sec", e.recsPerSec},
		{"max-request-bytes", e.maxRequest}, {"retain-records", int64(e.retainRecs)}, {"retain-bytes", e.retainBytes},
	} {
		if p.v <= 0 {
			refuse(p.flag, p.v, "want a whole number ≥ 1")
		}
	}
	if _, err := emulator.ParseSizeAccounting(e.sizeAccounting); err != nil && e.sizeAccounting == "" {
		refuse("size-accounting", `""`, err.Error()) // the emulator reads "" as its default; its check refuses the rest
	}
	if e.shardQuota.set && e.shardQuota.n < 1 { // unset (0) is the region's default; a typed 0 is not
		refuse("shard-quota", e.shardQuota.n, fmt.Sprintf("want a whole number in 1..%d", emulator.MaxShardQuota))
	}
	errs = append(errs, e.tls.check()...)
	if e.odTimeScale == 0 { // the emulator's "default"; its range check covers every other value
		refuse("on-demand-time-scale", e.odTimeScale, "want a number in 1..1e9 (1: AWS's 30 days and 15 minutes)")
	}
	if err := positiveDuration("reshard-delay", e.reshard); err != nil {
		errs = append(errs, err)
	}
	lat, err := emulator.ParseLatency(e.latency)
	if err != nil {
		errs = append(errs, fmt.Errorf("--latency: %w", err))
	}
	answerLat, err := emulator.ParseLatency(e.answerLatency)
	if err != nil {
		errs = append(errs, fmt.Errorf("--answer-latency: %w", err))
	}
	if len(errs) > 0 {
		return emulator.Config{}, usageError{errors.Join(errs...)}
	}
	cfg := emulator.Config{
		Region: e.region, AccountID: e.account, CreateDelay: e.createDelay, DeleteDelay: e.deleteDelay, ReshardDelay: e.reshard,
		Limits: emulator.Limits{ShardBytesPerSec: e.bytesPerSec, ShardRecordsPerSec: e.recsPerSec, MaxRequestBytes: e.maxRequest,
			ShardLimit: e.shardQuota.n, SizeAccounting: emulator.SizeAccounting(e.sizeAccounting)},
		RetainRecordsPerShard: e.retainRecs, RetainBytesPerShard: e.retainBytes, Seed: e.seed, Streams: e.streams,
		OnDemandTimeScale: e.odTimeScale,
		Faults: emulator.Faults{InternalFailureRate: e.failRate, ServerErrorRate: e.serverRate, Latency: lat, AnswerLatency: answerLat,
			KMSAccessDenied: e.kmsDenied, ControlPlaneThrottleRate: e.cpThrottle, BlackHole: e.blackHole, ResetRate: e.resetRate},
	}
	if bad := emulator.CheckConfig(cfg); len(bad) > 0 {
		for _, ce := range bad {
			if flag, ok := emulatorFlagOf[ce.Field]; ok {
				refuse(flag, ce.Value, ce.Reason)
			} else if strings.Contains(ce.Reason, "shard quota") { // Streams[i].Shards or Streams
				refuse("stream", ce.Value, ce.Reason+"; --shard-quota raises it")
			} else {
				refuse("stream", ce.Value, ce.Reason)
			}
		}
		return emulator.Config{}, usageError{errors.Join(errs...)}
	}
	return cfg, nil
}

// positiveDuration is the rule of the interval flags: 0 and below are refused, not defaulted.
func positiveDuration(flag string, d time.Duration) error {
	if d <= 0 {
		return usageError{fmt.Errorf("--%s %s: want a positive duration, e.g. 1m", flag, d)}
	}
	return nil
}

// checkLoopback refuses an address net.Listen cannot take, and serving beyond this machine
// unless asked: the emulator takes any credentials.
func checkLoopback(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:4567: %w", addr, err)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || (p == 0 && port != "0") {
		return fmt.Errorf("--addr %q: port %q is not a number in 0..65535 (0 picks a free one)", addr, port)
	}
	if allowRemote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address; the emulator accepts any credentials, so pass --allow-remote to serve beyond this machine", addr)
}

// optionalInt is an int flag that knows whether it was given, for a flag whose absence means a
// default that depends on other flags (--shard-quota: the --region's quota), shown in its help.
type optionalInt struct {
	n   int
	set bool
}

func (o *optionalInt) String() string {
	if !o.set {
		return ""
	}
	return strconv.Itoa(o.n)
}

func (o *optionalInt) Type() string { return "int" }

func (o *optionalInt) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("want a whole number, got %.60q", v)
	}
	o.n, o.set = n, true
	return nil
}
