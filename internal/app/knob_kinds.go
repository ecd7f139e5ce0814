package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shardstorm/shardstorm/producer"
)

// The parsers and formatters of the knob kinds. Errors describe the value without repeating it:
// the caller names the knob and the value.

func parseString(s string) (string, error) { return s, nil }
func formatString(s string) string         { return s }

func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("want a whole number")
	}
	return n, nil
}

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) {
		return 0, fmt.Errorf("want a number")
	}
	return f, nil
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 250ms, 5s or 1m")
	}
	return d, nil
}

func formatDuration(d time.Duration) string { return d.String() }

// parseBool takes what the flag package takes (true, false, 1, 0, t, f) and what the dashboard
// takes (on, off, yes, no).
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "yes", "1", "t":
		return true, nil
	case "off", "false", "no", "0", "f":
		return false, nil
	}
	return false, fmt.Errorf("want on or off (true or false)")
}

func formatBool(b bool) string { return strconv.FormatBool(b) }

func parseNotBool(s string) (bool, error) { b, err := parseBool(s); return !b, err }
func formatNotBool(b bool) string         { return formatBool(!b) }

// producerKnob is a knob of the producer's Config; live ones change a running producer through
// Reconfigure, which validates them as New does.
func producerKnob[T any](name string, kind Kind, help string, field func(*producer.Config) *T, parse func(string) (T, error), format func(T) string, live bool) Knob {
	k := knobFor(name, kind, help, func(s *RunSettings) *T { return field(&s.Options.Producer) }, parse, format)
	if live {
		k.live = &liveKnob{
			get: func(r *Run) string {
				t, err := r.tunable()
				if err != nil {
					return notThisProducerValue(r)
				}
				c := t.Config()
				return format(*field(&c))
			},
			set: func(r *Run, v string) error {
				x, err := parse(v)
				if err != nil {
					return err
				}
				t, err := r.tunable()
				if err != nil {
					return err
				}
				return t.Reconfigure(func(c *producer.Config) { *field(c) = x })
			},
		}
	}
	return k
}
