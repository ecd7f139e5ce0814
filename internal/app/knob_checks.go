package app

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/workload"
)

// The range checks of the knobs, beside their parsers: a knob's parse refuses what the knob
// cannot take, so the flag, the config file, the SHARDSTORM_* variable and the dashboard's
// Settings view (which all go through it) refuse the same values with the same words.

// MaxShards is the most shards --shards takes: AWS's default ceiling for one stream (UpdateShardCount
// may not "scale up to more than 10000 shards in a stream", Kinesis API Reference), the large
// streams people load-test. The embedded emulator's quota is raised to fit (see connect); against
// AWS, the account's shard quota decides. The command line checks it with the other settings.
const MaxShards = 10_000

// positive refuses zero. It guards the knobs whose zero the producer would silently replace by
// its default (--rate-limit 0 becoming 150): leaving the knob out gives the default. Negative
// values go on to producer.Config.Validate, whose errors give the knob's whole range.
func positive[T int | float64 | time.Duration](parse func(string) (T, error)) func(string) (T, error) {
	return func(s string) (T, error) {
		v, err := parse(s)
		if err == nil && v == 0 {
			return v, fmt.Errorf("want more than 0 (0 is not the default: leave it out for the default)")
		}
		return v, err
	}
}

// streamNamePattern is Kinesis's rule for a stream name.
var streamNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,128}$`)

// parseStreamName refuses a name Kinesis would refuse, before anything is started.
func parseStreamName(s string) (string, error) {
	if !streamNamePattern.MatchString(s) {
		return s, fmt.Errorf("want 1 to 128 of the characters a-z A-Z 0-9 _ . - (a Kinesis stream name)")
	}
	return s, nil
}

// parseEndpoint takes an http or https URL with a host, or nothing (no endpoint).
func parseEndpoint(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return s, fmt.Errorf("want an http:// or https:// URL with a host, e.g. http://127.0.0.1:4567")
	}
	return s, nil
}

// parseListenAddr takes HOST:PORT (the host may be empty: every interface), or nothing.
func parseListenAddr(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	_, port, err := net.SplitHostPort(s)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return s, fmt.Errorf("want HOST:PORT with a port in 0..65535, e.g. 127.0.0.1:9464")
	}
	return s, nil
}

// parseOutputPath takes a file that can be created: its directory exists and it is not itself
// a directory. Checking here means a bad path fails before the load, not after the whole run.
func parseOutputPath(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	if fi, err := os.Stat(s); err == nil && fi.IsDir() {
		return s, fmt.Errorf("is a directory; want a file")
	}
	dir := filepath.Dir(s)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return s, fmt.Errorf("the directory %s does not exist", strings.TrimSpace(dir))
	}
	return s, nil
}

// workloadChecks are the workload fields' checks beyond the workload's own (workload.Spec
// takes rate 0 from a program; shardstorm does not).
var workloadChecks = map[string]func(string) error{"rate": checkRate, "shape": checkShape}

// checkRate refuses rate 0: a load test with no load would only idle, and 0 must never mean
// another workload (the demo's, once). To watch a stream without loading it: shardstorm watch;
// to stop the load for a while: space (pause) in the dashboard.
func checkRate(v string) error {
	if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f == 0 {
		return ErrRateZero
	}
	return nil
}

// ErrRateZero is the refusal of rate 0, also for a --workload file's rate (see checkRate).
var ErrRateZero = errors.New("want more than 0 records/s (to watch a stream without load: shardstorm watch; to pause: space in the dashboard)")

// checkShape refuses a shape that never sends a record (0, constant:0, ramp:0-0:1m): rate 0 by
// another name.
func checkShape(v string) error {
	if p, err := workload.ParseShape(v); err == nil && p != nil && neverSends(p) {
		return ErrRateZero
	}
	return nil
}

// neverSends reports whether a shape's first record never comes due.
func neverSends(p workload.Pacer) bool { _, ok := p.At(1); return !ok }

// IdleWorkload reports whether spec would send nothing (rate 0, or a shape that never sends):
// for a --workload file, whose fields the knobs do not see one by one.
func IdleWorkload(spec workload.Spec) bool {
	if spec.Shape == nil {
		return spec.Rate == 0
	}
	return neverSends(spec.Shape)
}

// above refuses a number at or below lo (or, with orEqual, below lo).
func above[T int | float64 | time.Duration](lo T, orEqual bool, parse func(string) (T, error)) func(string) (T, error) {
	return func(s string) (T, error) {
		v, err := parse(s)
		switch {
		case err != nil:
		case orEqual && v < lo:
			err = fmt.Errorf("want %v or more", lo)
		case !orEqual && v <= lo:
			err = fmt.Errorf("want more than %v", lo)
		}
		return v, err
	}
}

// within refuses a float outside lo..hi.
func within(lo, hi float64, unit string) func(string) (float64, error) {
	return func(s string) (float64, error) {
		v, err := parseFloat(s)
		if err == nil && (v < lo || v > hi) {
			err = fmt.Errorf("want %g..%g%s", lo, hi, unit)
		}
		return v, err
	}
}

// CheckOutputPath refuses a file that cannot be created (its directory missing, or a
// directory): for output flags outside the knob table (watch --report).
func CheckOutputPath(s string) error {
	_, err := parseOutputPath(s)
	return err
}
